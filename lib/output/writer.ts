import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BackgroundWriter, backgroundMinFiles, type BackgroundResult, EarlyFiles, writerThreads } from './worker.js';
import { explain, OutputWriteError } from './errors.js';
import { isAlive, lock } from './lock.js';
import { checkOutputLocation, MANIFEST, manifestText, type OutputLabel, ownedFiles, ownedNotIn, recoverSwap, swapOwned, swapPending } from './ownership.js';
import { read } from './compare.js';
import { pauseForTest } from './test-hook.js';
import { EncryptedSecrets } from './sops-kept.js';

/** The error of a failed write (re-exported; defined in output-errors.ts). */
export { OutputWriteError };

/** Options of {@link TreeWrite} and {@link writeTreeAtomically}. */
export interface TreeWriteOptions {
  /** Files handed over before a worker thread takes the file system work. */
  readonly backgroundMinFiles?: number;
  /** Write into a non-empty folder the tool did not write (no manifest), keeping its other files. */
  readonly adopt?: boolean;
  /** The input paths: an output that is, contains or lies inside one is refused. */
  readonly inputs?: readonly string[];
  /** How the output is named in messages: `--out` (command line, default) or `outdir` (library). */
  readonly label?: OutputLabel;
}

/**
 * Writes a tree of files into `outdir` atomically and returns how many paths changed (0: `outdir`
 * already held exactly these files and was left untouched). The tool owns only the files its
 * manifest (`.cozystack-cdk8s-manifest.json`, written with the tree) lists: other files of the
 * folder (`.git`, a README) are kept. A new folder is written beside `outdir` and renamed into
 * place; an existing one gets its owned top-level entries swapped for new ones (see
 * `swapOwned`), undone when it fails or, after a kill, by the next run. Staging folders of killed
 * runs are removed by the next run. Two runs on the same folder are serialized by a lock file
 * `.<name>.lock` beside it: the second fails with a clear message.
 */
export function writeTreeAtomically(outdir: string, files: ReadonlyMap<string, string>, options: TreeWriteOptions = {}): number {
  const write = new TreeWrite(outdir, options);
  try {
    return write.commit([...files.keys()], files);
  } finally {
    write.close();
  }
}

/**
 * {@link writeTreeAtomically} in steps, so that files can be handed over while they are made:
 * the constructor takes the lock; `add` hands over a file early (optional); `commit` gets the
 * complete tree and swaps it in (or leaves an unchanged output alone); `close` always follows,
 * removes what a failed write left and releases the lock.
 *
 * Files handed over early go to a worker thread once there are many: into the staging folder when
 * there is no output yet, otherwise compared with the output's files, so the file system work
 * overlaps with making the rest. Nothing the early files cause is visible before `commit`.
 * @internal
 */
export class TreeWrite {
  private readonly target: string;
  private readonly parent: string;
  private readonly name: string;
  private readonly release: () => void;
  private readonly mode: 'write' | 'compare';
  private staging?: string;
  private readonly early: EarlyFiles;
  /** The tool's files in the existing output (its manifest); undefined when there is no output. */
  private readonly owned?: Set<string>;
  private readonly adopt: boolean;
  /** SOPS-encrypted Secret files of the output whose content is unchanged: handed over as they are. */
  private readonly secrets: EncryptedSecrets;
  private done = false;

  /** Refuses an output location it must not write (see checkOutputLocation), then takes the lock. */
  constructor(
    private readonly outdir: string,
    options: TreeWriteOptions = {},
  ) {
    const label = options.label ?? '--out';
    checkOutputLocation(outdir, options.inputs ?? [], label);
    this.adopt = options.adopt === true;
    this.target = resolve(outdir);
    this.parent = dirname(this.target);
    this.name = basename(this.target);
    try {
      mkdirSync(this.parent, { recursive: true });
      this.release = lock(join(this.parent, `.${this.name}.lock`), outdir);
    } catch (e) {
      throw explain(e, `cannot lock ${outdir} for writing`);
    }
    try {
      recoverInterruptedSwap(this.target); // a killed run's leftovers first
      this.owned = ownedFiles(this.target, outdir, this.adopt, label);
    } catch (e) {
      this.release();
      throw explain(e, `cannot write ${outdir}`, `${outdir} is unchanged`);
    }
    this.mode = this.owned ? 'compare' : 'write';
    this.secrets = new EncryptedSecrets(this.target);
    pauseForTest('locked');
    this.early = new EarlyFiles(options.backgroundMinFiles ?? backgroundMinFiles(), () => this.startWorker());
  }

  /** Hands one file of the tree over before `commit` (which must list it again, with the same content). */
  add(path: string, content: string): void {
    if (this.done) return;
    try {
      this.early.add(path, this.secrets.resolve(path, content));
    } catch (e) {
      throw explain(e, `cannot write ${this.outdir}`, `${this.outdir} is unchanged`);
    }
  }

  /**
   * Completes the write: `paths` are every file of the tree, `files` the contents of those not
   * handed over with `add`. Returns how many paths changed (0: nothing was written).
   */
  commit(paths: readonly string[], files: ReadonlyMap<string, string>): number {
    if (this.done) throw new Error('TreeWrite: already committed or closed');
    try {
      files = this.keepEncrypted(files);
      const worker = this.early.worker;
      if (!worker) {
        // Few files: all in this thread.
        const all = new Map<string, string>(this.early.takePending());
        for (const [p, c] of files) all.set(p, c);
        requireContents(paths, (p) => all.has(p));
        if (all.has(MANIFEST)) throw new Error(`TreeWrite: the tree must not hold ${MANIFEST}`);
        const manifest = manifestText(paths);
        const changed = this.owned ? changedPaths(this.target, this.owned, all) : all.size;
        if (changed === 0 && read(join(this.target, MANIFEST)) === manifest) return 0;
        const staging = this.newStaging();
        all.set(MANIFEST, manifest);
        writeStaging(staging, all);
        if (this.owned) swapOwned(this.target, staging, this.owned, paths, this.adopt, this.outdir);
        else swapStaged(this.target, staging);
        return changed;
      }
      requireContents(paths, (p) => this.early.handedOver(p) || files.has(p));
      for (const [p, c] of files) if (!this.early.handedOver(p)) worker.add(p, c);
      const manifest = manifestText(paths);
      if (this.mode === 'write') {
        throwIfFailed(worker.sync());
        writeStaging(this.staging!, new Map([[MANIFEST, manifest]]));
        swapStaged(this.target, this.staging!);
        return paths.length;
      }
      const owned = this.owned!;
      const removed = ownedNotIn(this.target, owned, new Set(paths)).length; // while the worker compares
      const manifestChanged = read(join(this.target, MANIFEST)) !== manifest;
      const changed = throwIfFailed(worker.sync()).differing + removed;
      if (changed === 0 && !manifestChanged) return 0;
      // Something changed: the worker writes the whole tree (it kept every file) into staging.
      mkdirSync(this.staging!); // named when the worker started
      worker.writeKept();
      pauseForTest('writing');
      throwIfFailed(worker.sync());
      writeStaging(this.staging!, new Map([[MANIFEST, manifest]]));
      swapOwned(this.target, this.staging!, owned, paths, this.adopt, this.outdir);
      return changed;
    } catch (e) {
      throw explain(e, `cannot write ${this.outdir}`, `${this.outdir} is unchanged`);
    } finally {
      this.done = true;
    }
  }

  /**
   * The SOPS-encrypted Secret files of the output that hold what synth writes now, kept byte for
   * byte, and those whose content changed, written in plain text again (paths in the output).
   */
  get encryptedSecrets(): { kept: string[]; changed: string[] } {
    return this.secrets.report();
  }

  private keepEncrypted(files: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
    let out: Map<string, string> | undefined;
    for (const [p, c] of files) {
      const r = this.secrets.resolve(p, c);
      if (r !== c) (out ??= new Map(files)).set(p, r);
    }
    return out ?? files;
  }

  /** Stops the worker, removes a staging folder not swapped in, releases the lock. */
  close(): void {
    this.done = true;
    this.early.close();
    try {
      // A swap that could not be undone keeps its staging folder: the next run undoes it from there.
      if (this.staging && existsSync(this.staging) && !swapPending(this.target)) rmSync(this.staging, { recursive: true, force: true });
    } finally {
      this.release();
    }
  }

  private newStaging(): string {
    this.staging = join(this.parent, `.${this.name}.new-${process.pid}-${Date.now()}`);
    return this.staging;
  }

  private startWorker(): BackgroundWriter {
    const staging = this.newStaging();
    if (this.mode === 'write') mkdirSync(staging);
    return new BackgroundWriter(staging, this.target, this.mode, { keep: true, threads: writerThreads(this.parent) });
  }
}

/** A caller's bug: a path of the tree with no content given. */
function requireContents(paths: readonly string[], has: (path: string) => boolean): void {
  for (const p of paths) if (!has(p)) throw new Error(`TreeWrite: no content for ${p}`);
}

function throwIfFailed(r: BackgroundResult): BackgroundResult {
  if (r.error) throw r.error;
  return r;
}

/** How many paths of the tool's are added, removed or changed (the manifest included) in `target`. */
function changedPaths(target: string, owned: ReadonlySet<string>, files: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const [p, c] of files) if (read(join(target, p)) !== c) n++;
  return n + ownedNotIn(target, owned, files).length;
}

/** Writes files into a staging folder (made when missing); on failure the staging folder is removed. */
function writeStaging(staging: string, files: ReadonlyMap<string, string>): void {
  try {
    mkdirSync(staging, { recursive: true });
    const dirs = new Set<string>();
    let written = 0;
    for (const [path, content] of files) {
      if (written++ === files.size >> 1) pauseForTest('writing');
      const full = join(staging, path);
      const d = dirname(full);
      if (!dirs.has(d)) {
        mkdirSync(d, { recursive: true });
        dirs.add(d);
      }
      try {
        writeFileSync(full, content);
      } catch (e) {
        (e as NodeJS.ErrnoException).path ??= full; // a failed write (not open) names no file
        throw e;
      }
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Renames a complete staging folder into place where there was no output (one rename: atomic). An
 * output made meanwhile is never replaced (a rename onto a non-empty folder fails); on failure the
 * staging folder is removed.
 */
function swapStaged(target: string, staging: string): void {
  try {
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function recoverInterruptedSwap(target: string): void {
  // A swap a killed run did not commit is undone; what it moved aside is cleared of the tool's files.
  recoverSwap(target);
  const name = basename(target);
  for (const e of readdirSync(dirname(target))) {
    if (e.startsWith(`.${name}.new-`)) rmSync(join(dirname(target), e), { recursive: true, force: true });
    // Lock files of killed runs, written aside before being linked into place (`.<name>.lock.<pid>-<time>`).
    if (e.startsWith(`.${name}.lock.`)) {
      const pid = Number(/^(?:stale-)?(\d+)-\d+$/.exec(e.slice(`.${name}.lock.`.length))?.[1]);
      if (pid && pid !== process.pid && !isAlive(pid)) rmSync(join(dirname(target), e), { force: true });
    }
  }
}

/** Reads every file under a folder, path relative to it, sorted. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(p, readFileSync(join(dir, p), 'utf8'));
    }
  };
  walk('');
  return out;
}

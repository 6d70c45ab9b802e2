import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BackgroundWriter, backgroundMinFiles, type BackgroundResult, EarlyFiles, writerThreads } from './background-writer.js';
import { explain, OutputWriteError } from './output-errors.js';
import { isAlive, lock } from './output-lock.js';
import { filesNotIn } from './tree-compare.js';

/** The error of a failed write (re-exported; defined in output-errors.ts). */
export { OutputWriteError };

/**
 * Writes a tree of files into `outdir` atomically and returns how many paths changed (0: `outdir`
 * already held exactly these files and was left untouched): the tree is written beside `outdir`, then
 * swapped in with two renames; the previous tree is removed only after the swap. A run that fails
 * before the swap leaves `outdir` as it was. A swap interrupted between the two renames is
 * completed by the next run (the previous tree is kept under `.<name>.old`), and staging folders
 * of killed runs are removed by it. Two runs on the same folder are serialized by a lock file
 * `.<name>.lock` beside it: the second fails with a clear message.
 */
export function writeTreeAtomically(outdir: string, files: ReadonlyMap<string, string>): number {
  const write = new TreeWrite(outdir);
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
  private done = false;

  /** `backgroundMinFiles`: files handed over before a worker thread takes the file system work. */
  constructor(
    private readonly outdir: string,
    options: { backgroundMinFiles?: number } = {},
  ) {
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
      recoverInterruptedSwap(this.target, join(this.parent, `.${this.name}.old`)); // a killed run's leftovers first
    } catch (e) {
      this.release();
      throw explain(e, `cannot write ${outdir}`, `${outdir} is unchanged`);
    }
    this.mode = existsSync(this.target) ? 'compare' : 'write';
    pauseForTest('locked');
    this.early = new EarlyFiles(options.backgroundMinFiles ?? backgroundMinFiles(), () => this.startWorker());
  }

  /** Hands one file of the tree over before `commit` (which must list it again, with the same content). */
  add(path: string, content: string): void {
    if (this.done) return;
    try {
      this.early.add(path, content);
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
      const worker = this.early.worker;
      if (!worker) {
        // Few files: all in this thread.
        const all = new Map<string, string>(this.early.takePending());
        for (const [p, c] of files) all.set(p, c);
        requireContents(paths, (p) => all.has(p));
        const changed = changedPaths(readTree(this.target), all);
        if (changed === 0) return 0;
        swapIn(this.target, this.parent, this.name, all, this.newStaging());
        return changed;
      }
      requireContents(paths, (p) => this.early.handedOver(p) || files.has(p));
      for (const [p, c] of files) if (!this.early.handedOver(p)) worker.add(p, c);
      if (this.mode === 'write') {
        throwIfFailed(worker.sync());
        swapStaged(this.target, this.parent, this.name, this.staging!);
        return paths.length;
      }
      const removed = filesNotIn(this.target, new Set(paths)).length; // while the worker compares
      const changed = throwIfFailed(worker.sync()).differing + removed;
      if (changed === 0) return 0;
      // Something changed: the worker writes the whole tree (it kept every file) into staging.
      mkdirSync(this.staging!); // named when the worker started
      worker.writeKept();
      pauseForTest('writing');
      throwIfFailed(worker.sync());
      swapStaged(this.target, this.parent, this.name, this.staging!);
      return changed;
    } catch (e) {
      throw explain(e, `cannot write ${this.outdir}`, `${this.outdir} is unchanged`);
    } finally {
      this.done = true;
    }
  }

  /** Stops the worker, removes a staging folder not swapped in, releases the lock. */
  close(): void {
    this.done = true;
    this.early.close();
    try {
      if (this.staging && existsSync(this.staging)) rmSync(this.staging, { recursive: true, force: true });
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

/** How many paths are added, removed or changed between two trees. */
function changedPaths(current: ReadonlyMap<string, string>, files: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const [p, c] of files) if (current.get(p) !== c) n++;
  for (const p of current.keys()) if (!files.has(p)) n++;
  return n;
}

function swapIn(target: string, parent: string, name: string, files: ReadonlyMap<string, string>, staging: string): void {
  try {
    mkdirSync(staging);
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
  swapStaged(target, parent, name, staging);
}

/** Swaps a complete staging folder in place of `target`; on failure the previous tree is put back and the staging folder removed. */
function swapStaged(target: string, parent: string, name: string, staging: string): void {
  const old = join(parent, `.${name}.old`); // leftovers of killed runs were removed when the lock was taken
  let movedAside = false;
  try {
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new OutputWriteError(`output ${target} exists and is not a folder`, 'ENOTDIR');
      rmSync(old, { recursive: true, force: true });
      renameSync(target, old);
      movedAside = true;
      pauseForTest('moved-aside');
    }
    renameSync(staging, target);
  } catch (e) {
    // The previous tree goes back in place if it was moved aside, and the staging folder goes.
    rmSync(staging, { recursive: true, force: true });
    if (movedAside && !existsSync(target)) {
      try {
        renameSync(old, target);
      } catch {
        throw explain(e, `cannot write ${target}`, `the previous output is kept in ${old}; the next run puts it back`);
      }
    }
    throw e;
  }
  pauseForTest('swapped');
  rmSync(old, { recursive: true, force: true });
}

/**
 * Test hook, for test/write-faults.test.ts only (never set it otherwise): with
 * COZYSTACK_CDK8S_TEST_PAUSE_AT=<phase>, the writer prints `cozystack-cdk8s test hook: paused at
 * <phase>` on stderr when it reaches that phase and waits there (at most 60 s) to be killed.
 * Phases: `locked` (lock taken, nothing written), `writing` (the staging folder half written),
 * `moved-aside` (between the two renames of the swap), `swapped` (new tree in, old not yet removed).
 */
function pauseForTest(phase: string): void {
  if (process.env.COZYSTACK_CDK8S_TEST_PAUSE_AT !== phase) return;
  writeSync(2, `cozystack-cdk8s test hook: paused at ${phase}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

function recoverInterruptedSwap(target: string, old: string): void {
  if (!existsSync(target) && existsSync(old)) renameSync(old, target);
  // A run killed after its swap, while removing the previous tree: the swap is complete.
  else if (existsSync(old)) rmSync(old, { recursive: true, force: true });
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

import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OutputWriteError } from './errors.js';
import { pauseForTest } from './test-hook.js';

/**
 * The output folder is owned: the tool writes a manifest of its own files into it and never
 * deletes or replaces anything else (not `.git`, not a user's README, not the input). This module
 * holds the manifest, the checks of where an output may go, and the swap of the tool's entries
 * of an output folder that also holds other files.
 */

/** The manifest of the files the tool wrote, at the root of the output folder. */
export const MANIFEST = '.cozystack-cdk8s-manifest.json';

/** An output location the tool refuses to write (the command line exits 2, as for usage errors). */
export class OutputRefusedError extends OutputWriteError {
  constructor(message: string) {
    super(message, 'EREFUSED');
    this.name = 'OutputRefusedError';
  }
}

/** How the output folder is named to the user: `--out` on the command line, `outdir` in the library. */
export type OutputLabel = '--out' | 'outdir';

/** The manifest's text: deterministic (sorted paths, fixed key order), ends with a newline. */
export function manifestText(paths: Iterable<string>): string {
  const files = [...new Set(paths)].filter((p) => p !== MANIFEST).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${JSON.stringify({ generator: 'cozystack-cdk8s', version: 1, files }, null, 2)}\n`;
}

/** A path a manifest may list: relative, no `.`/`..`/empty segment, not inside `.git`, not the manifest. */
function safeManifestPath(p: unknown): p is string {
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  const parts = p.split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..')) return false;
  return parts[0] !== '.git' && p !== MANIFEST;
}

/**
 * The files the manifest of `dir` lists, undefined when `dir` has no manifest. A manifest that is
 * not one this tool writes (or lists a path outside the folder, or in `.git`) is refused: its list
 * decides what is deleted.
 */
export function readManifest(dir: string, outdir: string = dir): Set<string> | undefined {
  const file = join(dir, MANIFEST);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
  let doc: { generator?: unknown; version?: unknown; files?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    doc = {};
  }
  const files = doc?.files;
  if (doc?.generator !== 'cozystack-cdk8s' || doc.version !== 1 || !Array.isArray(files) || !files.every(safeManifestPath)) {
    throw new OutputRefusedError(
      `${join(outdir, MANIFEST)} is not a manifest cozystack-cdk8s wrote (it decides which files synth may replace or delete); restore it from version control, or remove it and synthesize again with --adopt`,
    );
  }
  return new Set(files as string[]);
}

/** A path resolved through the symbolic links of its longest existing prefix (the rest as given). */
function realish(p: string): string {
  let head = resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(p);
      rest.push(basename(head));
      head = up;
    }
  }
}

const inside = (child: string, parent: string): boolean => child !== parent && (parent === sep ? child.startsWith(sep) : child.startsWith(parent + sep));

/**
 * Refuses an output location that is empty (an unset shell variable), the current folder or one
 * of its parents, or that is, contains or lies inside an input. Nothing is touched.
 */
export function checkOutputLocation(outdir: string, inputs: readonly string[], label: OutputLabel): void {
  const how = label === '--out' ? 'name a folder of its own, e.g. --out dist' : "give a folder of its own, e.g. { outdir: 'dist' }";
  if (outdir.trim() === '') {
    throw new OutputRefusedError(`${label} is empty (an unset shell variable?): synth would write into the current folder; ${how}`);
  }
  const target = realish(outdir);
  const cwd = realish(process.cwd());
  if (target === cwd || inside(cwd, target)) {
    const what = target === cwd ? 'the current folder' : `a parent of the current folder (${cwd})`;
    throw new OutputRefusedError(`${label} ${outdir} is ${what}: synth owns its output folder and must not write over the folder it runs in; ${how}`);
  }
  for (const input of inputs) {
    const i = realish(input);
    const rel = target === i ? 'is the input' : inside(i, target) ? 'contains the input' : inside(target, i) ? 'lies inside the input' : undefined;
    if (rel) throw new OutputRefusedError(`${label} ${outdir} ${rel} -f ${input}: the output must be apart from the inputs (synth would replace them, or read its own output as input next time); ${how}`);
  }
}

/**
 * What the tool owns in an existing output folder: the files its manifest lists; an empty set for
 * an empty folder, or with `adopt` for a folder it did not write; undefined when there is no
 * folder. A non-empty folder without a manifest is refused unless adopted.
 */
export function ownedFiles(target: string, outdir: string, adopt: boolean, label: OutputLabel): Set<string> | undefined {
  let st;
  try {
    st = lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!st.isDirectory()) {
    // A symbolic link to a folder is written through (the link stays); anything else is not a folder.
    if (!st.isSymbolicLink() || !statSync(target).isDirectory()) throw new OutputWriteError(`output ${target} exists and is not a folder`, 'ENOTDIR');
  }
  const listed = readManifest(target, outdir);
  if (listed) return listed;
  if (readdirSync(target).length === 0 || adopt) return new Set();
  const flag = label === '--out' ? 'pass --adopt' : 'pass { adopt: true }';
  throw new OutputRefusedError(
    `${outdir} is not empty and cozystack-cdk8s did not write it (it has no ${MANIFEST}); synth writes only into a new or empty folder or one it wrote. ` +
      `To write into it anyway (a GitOps repository, or the output of a version before manifests), ${flag}: .git and every file synth does not write stay as they are, files at the paths synth writes are replaced`,
  );
}

/** The tool's files of `dir` (listed in its manifest, or every file for an old output) that `files` lacks and that exist. */
export function ownedNotIn(dir: string, owned: ReadonlySet<string> | undefined, files: { has(path: string): boolean }): string[] {
  if (!owned) return [];
  return [...owned].filter((p) => !files.has(p) && lexists(join(dir, p)));
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** One top-level entry of the output the swap moves: `hadOld` it was in the output, `hasNew` the staging folder holds its new content. */
interface SwapEntry {
  readonly name: string;
  readonly hadOld: boolean;
  readonly hasNew: boolean;
}

/** The swap journal beside the output: written before the first rename, removed after the last one. */
interface Journal {
  readonly staging: string;
  readonly entries: readonly SwapEntry[];
}

const journalPath = (target: string): string => join(dirname(target), `.${basename(target)}.swap`);
/** Marks a folder moved aside by a per-entry swap (an earlier version moved the whole tree aside). */
const ASIDE_MARK = '.cozystack-cdk8s-aside';
/** True when a swap of `target` was begun and not committed nor undone: its staging folder must stay for the next run. */
export function swapPending(target: string): boolean {
  return existsSync(journalPath(target));
}
const asidePath = (target: string): string => join(dirname(target), `.${basename(target)}.old`);

/**
 * Swaps the tool's entries of an existing output folder for those of a complete staging folder,
 * keeping everything else. `owned`: the tool's files in the output (from its manifest); `paths`:
 * the new tree's files (the staging folder holds them and the new manifest).
 *
 * Per top-level entry the tool owns (`kustomization.yaml`, `platform/`, `tenants/`, ..., the
 * manifest): user files inside an owned folder are first carried into the staging folder as hard
 * links (same inode: the bytes are not copied and cannot differ); a user file at a path the tree
 * writes is refused unless `adopt`. Then a journal is written beside the output, each entry is
 * moved aside (`.<name>.old/<entry>`) and its new content moved in, and the journal is removed:
 * that removal is the commit. A failure before it moves everything back; a run killed before it
 * leaves the journal, and the next run moves everything back ({@link recoverSwap}). Top-level
 * entries the tool does not own (`.git`, `README.md`, ...) are never touched.
 */
export function swapOwned(target: string, staging: string, owned: ReadonlySet<string>, paths: readonly string[], adopt: boolean, outdir: string): void {
  const tree = new Set(paths);
  tree.add(MANIFEST);
  const treeDirs = new Set<string>();
  for (const p of tree) for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) treeDirs.add(p.slice(0, i));
  const names = new Set<string>([...tree, ...owned].map((p) => p.split('/')[0]!));
  const conflict = (p: string, why: string): OutputRefusedError =>
    new OutputRefusedError(`${join(outdir, p)} ${why}; move it away and synthesize again${adopt ? '' : ' (or pass --adopt to let synth replace a file at a path it writes)'}`);
  const entries: SwapEntry[] = [];
  for (const name of [...names].sort((a, b) => (a === MANIFEST ? 1 : b === MANIFEST ? -1 : a < b ? -1 : 1))) {
    const full = join(target, name);
    let st;
    try {
      st = lstatSync(full);
    } catch {
      st = undefined;
    }
    const hasNew = lexists(join(staging, name));
    if (st === undefined) {
      if (hasNew) entries.push({ name, hadOld: false, hasNew });
      continue;
    }
    if (!st.isDirectory()) {
      const ours = owned.has(name) || name === MANIFEST;
      if (!ours && treeDirs.has(name)) throw conflict(name, 'is not a file cozystack-cdk8s wrote, and synth now writes a folder there');
      if (!ours && tree.has(name) && !adopt) throw conflict(name, 'is not a file cozystack-cdk8s wrote (not in its manifest), and synth now writes a file there');
      if (!ours && !tree.has(name)) continue; // a user's file: not touched
      entries.push({ name, hadOld: true, hasNew });
      continue;
    }
    // A folder: the tool's files in it are replaced or dropped, the user's are carried over.
    const userFiles = carryOver(target, staging, name, owned, tree, treeDirs, adopt, conflict);
    const ownsSomething = [...owned].some((p) => p.startsWith(`${name}/`)) || tree.has(name) || treeDirs.has(name);
    if (!ownsSomething) continue;
    if (tree.has(name) && userFiles) throw conflict(name, 'is a folder with files cozystack-cdk8s did not write, and synth now writes a file there');
    entries.push({ name, hadOld: true, hasNew: lexists(join(staging, name)) });
  }
  const deletable = new Set([...owned, ...tree]); // under adopt, a user's file at a tree path is replaced
  const journal: Journal = { staging: basename(staging), entries };
  const jfile = journalPath(target);
  writeFileSync(jfile, JSON.stringify(journal));
  const aside = asidePath(target);
  try {
    mkdirSync(aside);
    writeFileSync(join(aside, ASIDE_MARK), '');
    let first = true;
    for (const e of entries) {
      if (e.hadOld) renameSync(join(target, e.name), join(aside, e.name));
      if (first && e.hadOld) pauseForTest('moved-aside');
      first = false;
      if (e.hasNew) renameSync(join(staging, e.name), join(target, e.name));
    }
  } catch (e) {
    try {
      rollBack(target, staging, aside, entries);
      rmSync(jfile, { force: true });
    } catch {
      throw new OutputWriteError(`${(e as Error).message}; the swap of ${outdir} was interrupted and could not be undone: the next run undoes it (journal ${jfile})`, (e as NodeJS.ErrnoException).code);
    }
    clearAside(aside, target, deletable);
    throw e;
  }
  rmSync(jfile, { force: true }); // the commit
  pauseForTest('swapped');
  clearAside(aside, target, deletable);
}

/**
 * Hard-links the files of `target/name` the tool does not own into the staging folder (folders
 * recreated), so that they survive the swap. Returns true when there were any.
 */
function carryOver(
  target: string,
  staging: string,
  name: string,
  owned: ReadonlySet<string>,
  tree: ReadonlySet<string>,
  treeDirs: ReadonlySet<string>,
  adopt: boolean,
  conflict: (p: string, why: string) => OutputRefusedError,
): boolean {
  let any = false;
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(target, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (tree.has(p)) {
          if (!owned.has(p)) throw conflict(p, 'is a folder cozystack-cdk8s did not write, and synth now writes a file there');
          continue;
        }
        mkdirSync(join(staging, p), { recursive: true }); // a user's folder, even empty, stays
        walk(p);
        continue;
      }
      if (owned.has(p)) continue; // the tool's: replaced or dropped
      if (treeDirs.has(p)) throw conflict(p, 'is not a file cozystack-cdk8s wrote, and synth now writes a folder there');
      if (tree.has(p)) {
        if (!adopt) throw conflict(p, 'is not a file cozystack-cdk8s wrote (not in its manifest), and synth now writes a file there');
        continue; // adopted: the tool's file replaces it
      }
      any = true;
      mkdirSync(join(staging, rel), { recursive: true });
      try {
        linkSync(join(target, p), join(staging, p));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        throw new OutputWriteError(`cannot keep ${p} across the swap (a hard link into the staging folder failed: ${code}); the output is unchanged`, code);
      }
    }
  };
  walk(name);
  return any;
}

/** Undoes a partial swap: each entry's new content back into the staging folder, its old content back in place. */
function rollBack(target: string, staging: string, aside: string, entries: readonly SwapEntry[]): void {
  // Without its staging folder (removed by hand) what is in the output cannot be told new from
  // old: it stays, and only entries missing from the output are put back.
  const canMoveBack = existsSync(staging);
  for (const e of [...entries].reverse()) {
    const cur = join(target, e.name);
    const st = join(staging, e.name);
    const old = join(aside, e.name);
    if (canMoveBack && e.hasNew && !lexists(st) && lexists(cur)) renameSync(cur, st); // the new content was moved in
    if (e.hadOld && lexists(old) && !lexists(cur)) renameSync(old, cur);
  }
}

/**
 * Removes what a swap moved aside, but only what is the tool's: files the old manifest lists, and
 * files that now live on in the output (a user's file carried over: the same inode is there). A
 * file neither (a user's, made during the run in an owned folder) is moved back into the output
 * when its place is free; otherwise the aside folder is left with it (never deleted).
 */
function clearAside(aside: string, target: string, owned: ReadonlySet<string>): void {
  if (!existsSync(aside)) return;
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(aside, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      const full = join(aside, p);
      if (p === ASIDE_MARK || p === MANIFEST) continue; // removed last: they say what the rest is
      if (e.isDirectory()) {
        walk(p);
        try {
          rmdirSync(full);
        } catch {
          // not empty: something kept
        }
        continue;
      }
      if (owned.has(p) || sameInode(full, join(target, p))) {
        rmSync(full, { force: true });
        continue;
      }
      const dest = join(target, p);
      if (!lexists(dest)) {
        try {
          mkdirSync(dirname(dest), { recursive: true });
          renameSync(full, dest);
        } catch {
          // left aside
        }
      }
    }
  };
  walk('');
  const left = readdirSync(aside).filter((e) => e !== ASIDE_MARK && e !== MANIFEST);
  if (left.length === 0) {
    rmSync(join(aside, MANIFEST), { force: true });
    rmSync(join(aside, ASIDE_MARK), { force: true });
  }
  try {
    rmdirSync(aside);
  } catch {
    // not empty: a user's file could not be put back, it stays there
  }
}

function sameInode(a: string, b: string): boolean {
  try {
    const x = lstatSync(a);
    const y = lstatSync(b);
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/**
 * Finishes what a killed run left (called under the lock, before anything else): a swap journal
 * means the swap was not committed, and it is undone (every entry back as it was); a folder moved
 * aside is cleared of the tool's files only. An earlier version's whole-folder swap (no output,
 * the complete old tree aside) is put back.
 */
export function recoverSwap(target: string): void {
  const jfile = journalPath(target);
  const aside = asidePath(target);
  let journal: Journal | undefined;
  try {
    journal = JSON.parse(readFileSync(jfile, 'utf8')) as Journal;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') journal = { staging: '', entries: [] }; // cut short while written: no rename was done
  }
  if (journal) {
    const entries = (Array.isArray(journal.entries) ? journal.entries : []).filter((e) => e && typeof e.name === 'string' && !e.name.includes('/') && e.name !== '.git' && e.name !== '..' && e.name !== '.');
    if (journal.staging && /^\.[^/]*\.new-[^/]+$/.test(journal.staging)) rollBack(target, join(dirname(target), journal.staging), aside, entries);
    rmSync(jfile, { force: true });
  }
  if (!existsSync(aside)) return;
  if (!existsSync(target)) {
    renameSync(aside, target); // the whole old tree, aside
    return;
  }
  if (existsSync(join(aside, ASIDE_MARK))) {
    const owned = new Set<string>();
    for (const dir of [aside, target]) {
      try {
        for (const p of readManifest(dir) ?? []) owned.add(p);
      } catch {
        // not a manifest of ours: nothing more is deletable
      }
    }
    clearAside(aside, target, owned);
  } else {
    // An earlier version's whole old tree, left after its swap: every file in it is the tool's.
    rmSync(aside, { recursive: true, force: true });
  }
}

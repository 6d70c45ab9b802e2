import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes a tree of files into `outdir` atomically: the tree is written beside `outdir`, then
 * swapped in with two renames; the previous tree is removed only after the swap. A run that fails
 * before the swap leaves `outdir` as it was. A swap interrupted between the two renames is
 * completed by the next run (the previous tree is kept under `.<name>.old`), and staging folders
 * of killed runs are removed by it. Two runs on the same folder are serialized by a lock file
 * `.<name>.lock` beside it: the second fails with a clear message.
 */
export function writeTreeAtomically(outdir: string, files: ReadonlyMap<string, string>): void {
  const target = resolve(outdir);
  const parent = dirname(target);
  const name = basename(target);
  mkdirSync(parent, { recursive: true });
  const release = lock(join(parent, `.${name}.lock`), outdir);
  try {
    swapIn(target, parent, name, files);
  } finally {
    release();
  }
}

/**
 * Takes the lock of an output folder: a file created exclusively, holding the writer's pid. A
 * lock whose process is gone is taken over; a live one makes this run fail with a clear message.
 */
function lock(file: string, outdir: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new Error(`another synthesis (pid ${pid}) is writing ${outdir}; try again when it has finished (lock file ${file})`);
      }
      rmSync(file, { force: true }); // stale: its writer died
    }
  }
  throw new Error(`cannot lock ${outdir} (lock file ${file})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function swapIn(target: string, parent: string, name: string, files: ReadonlyMap<string, string>): void {
  const old = join(parent, `.${name}.old`);
  recoverInterruptedSwap(target, old);
  const staging = join(parent, `.${name}.new-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(staging);
    const dirs = new Set<string>();
    for (const [path, content] of files) {
      const full = join(staging, path);
      const d = dirname(full);
      if (!dirs.has(d)) {
        mkdirSync(d, { recursive: true });
        dirs.add(d);
      }
      writeFileSync(full, content);
    }
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new Error(`output ${target} exists and is not a folder`);
      rmSync(old, { recursive: true, force: true });
      renameSync(target, old);
    }
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

function recoverInterruptedSwap(target: string, old: string): void {
  if (!existsSync(target) && existsSync(old)) renameSync(old, target);
  for (const e of readdirSync(dirname(target))) {
    if (e.startsWith(`.${basename(target)}.new-`)) rmSync(join(dirname(target), e), { recursive: true, force: true });
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

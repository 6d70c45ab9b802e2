import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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
  const target = resolve(outdir);
  const parent = dirname(target);
  const name = basename(target);
  let release: () => void;
  try {
    mkdirSync(parent, { recursive: true });
    release = lock(join(parent, `.${name}.lock`), outdir);
  } catch (e) {
    throw explain(e, `cannot lock ${outdir} for writing`);
  }
  try {
    // Unchanged output is left alone: no write, no swap, not a byte or a timestamp touched.
    recoverInterruptedSwap(target, join(parent, `.${name}.old`)); // a killed run's leftovers first
    const changed = changedPaths(readTree(target), files);
    if (changed === 0) return 0;
    swapIn(target, parent, name, files);
    return changed;
  } catch (e) {
    throw explain(e, `cannot write ${outdir}`, `${outdir} is unchanged`);
  } finally {
    release();
  }
}

/** How many paths are added, removed or changed between two trees. */
function changedPaths(current: ReadonlyMap<string, string>, files: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const [p, c] of files) if (current.get(p) !== c) n++;
  for (const p of current.keys()) if (!files.has(p)) n++;
  return n;
}

/** A failure to write an output folder, saying what is left; the command line prints it without a stack trace. */
export class OutputWriteError extends Error {
  /** The system error code (`ENOSPC`, `EROFS`, ...), or `ELOCKED` when another run holds the lock. */
  public readonly code?: string;

  constructor(message: string, code?: string) {
    super(message);
    this.name = 'OutputWriteError';
    if (code !== undefined) this.code = code;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'name too long',
};

/** A system error as an OutputWriteError: `<what>: no space left on device (ENOSPC) at <path>; <after>`. */
function explain(e: unknown, what: string, after?: string): unknown {
  if (e instanceof OutputWriteError) return e;
  const err = e as NodeJS.ErrnoException;
  if (!err?.code || !err.syscall) return e; // not a system error: a bug, keep its stack
  const text = ERRNO_TEXT[err.code] ?? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '');
  return new OutputWriteError(`${what}: ${text} (${err.code}, ${err.syscall}${err.path ? ` ${err.path}` : ''})${after ? `; ${after}` : ''}`, err.code);
}

/**
 * Takes the lock of an output folder: a file holding the writer's pid, created complete and at once
 * (written aside, then hard-linked into place, which fails when the lock exists), so another run
 * never reads a lock that is still empty. A lock whose process is gone is taken over; a live one
 * makes this run fail with a clear message.
 */
function lock(file: string, outdir: string): () => void {
  const mine = String(process.pid);
  const aside = `${file}.${process.pid}-${Date.now()}`;
  writeFileSync(aside, mine);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        try {
          linkSync(aside, file);
        } catch (e) {
          // A file system without hard links: create it exclusively (written right after creation).
          if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
          writeFileSync(file, mine, { flag: 'wx' });
        }
        return () => {
          // Only our own lock, never one another run took over; a lock that cannot be removed is
          // left to be taken over as stale (it must not hide the error of the run).
          try {
            if (readLockPid(file) === process.pid) rmSync(file, { force: true });
          } catch {
            // left behind
          }
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const pid = readLockPid(file);
      if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
        throw new OutputWriteError(`another synthesis (pid ${pid}) is writing ${outdir}; try again when it has finished (lock file ${file})`, 'ELOCKED');
      }
      takeOverStale(file, pid);
    }
  } finally {
    rmSync(aside, { force: true });
  }
  throw new OutputWriteError(`cannot lock ${outdir}: other runs keep taking the lock (lock file ${file})`, 'ELOCKED');
}

/** The pid in a lock file, undefined when there is no lock or it holds no pid. */
function readLockPid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Removes a lock whose writer died. The lock is first moved aside (atomically), so that a fresh
 * lock another run created in the meantime is not deleted: if what was moved is not the stale lock
 * that was read, it is put back.
 */
function takeOverStale(file: string, stalePid: number | undefined): void {
  const moved = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, moved);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // already gone
    throw e;
  }
  try {
    if (readLockPid(moved) !== stalePid) {
      try {
        linkSync(moved, file); // a live run's lock: give it back
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  } finally {
    rmSync(moved, { force: true });
  }
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
  let movedAside = false;
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
      try {
        writeFileSync(full, content);
      } catch (e) {
        (e as NodeJS.ErrnoException).path ??= full; // a failed write (not open) names no file
        throw e;
      }
    }
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new OutputWriteError(`output ${target} exists and is not a folder`, 'ENOTDIR');
      rmSync(old, { recursive: true, force: true });
      renameSync(target, old);
      movedAside = true;
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
  rmSync(old, { recursive: true, force: true });
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

import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { OutputWriteError } from './errors.js';

/**
 * Takes the lock of an output folder: a file holding the writer's pid, created complete and at once
 * (written aside, then hard-linked into place, which fails when the lock exists), so another run
 * never reads a lock that is still empty. A lock whose process is gone is taken over; a live one
 * makes this run fail with a clear message.
 */
export function lock(file: string, outdir: string): () => void {
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

/** True when a process with this pid runs (or exists but is not ours to signal). @internal */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

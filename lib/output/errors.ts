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
/** @internal */
export function explain(e: unknown, what: string, after?: string): unknown {
  if (e instanceof OutputWriteError) return e;
  const err = e as NodeJS.ErrnoException;
  if (!err?.code || !err.syscall) return e; // not a system error: a bug, keep its stack
  const text = ERRNO_TEXT[err.code] ?? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '');
  return new OutputWriteError(`${what}: ${text} (${err.code}, ${err.syscall}${err.path ? ` ${err.path}` : ''})${after ? `; ${after}` : ''}`, err.code);
}

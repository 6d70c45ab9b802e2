import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackgroundWriter, backgroundMinFiles, EarlyFiles, writerThreads } from './worker.js';
import { ownedNotIn } from './ownership.js';
import { EncryptedSecrets } from './sops-kept.js';

/**
 * Which files of a tree differ from a folder's, for `diff`: files are handed over as they are
 * made and, past a number of files, compared by a worker thread meanwhile (as synth compares
 * with its output); the folder's files are then read only where they differ.
 * @internal
 */
export class TreeCompare {
  private readonly early: EarlyFiles;
  /** SOPS-encrypted Secret files that hold what would be written: compared as they are (no change). */
  private readonly secrets: EncryptedSecrets;

  /** `owned`: the folder's files that are the tool's (its manifest); only they can be missing. Without it, every file of the folder is. */
  constructor(
    private readonly dir: string,
    minFiles: number = backgroundMinFiles(),
    private readonly owned?: ReadonlySet<string> | null,
  ) {
    this.secrets = new EncryptedSecrets(dir);
    this.early = new EarlyFiles(minFiles, () => new BackgroundWriter(dir, dir, 'compare', { report: true, threads: writerThreads(existsSync(dir) ? dir : '.') }));
  }

  /** Hands one file of the tree over before `finish` (which must list it again, with the same content). */
  add(path: string, content: string): void {
    this.early.add(path, this.secrets.resolve(path, content));
  }

  /** The SOPS-encrypted Secret files that would be kept, and those that would be written in plain text again. */
  get encryptedSecrets(): { kept: string[]; changed: string[] } {
    return this.secrets.report();
  }

  /**
   * The files of the tree whose content differs from the folder's (or that the folder lacks), path
   * to new content, and the folder's files the tree lacks; both sorted by path. `paths` are every
   * file of the tree, `files` the contents of those not handed over with `add`.
   */
  finish(paths: readonly string[], files: ReadonlyMap<string, string>): { differing: Map<string, string>; missing: string[] } {
    const found: [string, string][] = [];
    const worker = this.early.worker;
    const check = (p: string, c: string): void => {
      if (read(join(this.dir, p)) !== c) found.push([p, c]);
    };
    for (const [p, c] of this.early.takePending()) check(p, c);
    for (const [p, given] of files) {
      if (this.early.handedOver(p)) continue;
      const c = this.secrets.resolve(p, given);
      if (worker) worker.add(p, c);
      else check(p, c);
    }
    // While the worker compares. A folder the tool did not write (owned null) lacks nothing of its own.
    const missing = this.owned === undefined ? filesNotIn(this.dir, new Set(paths)) : this.owned === null ? [] : ownedNotIn(this.dir, this.owned, new Set(paths));
    if (worker) {
      const r = worker.sync();
      if (r.error) throw r.error;
      r.paths.forEach((p, i) => found.push([p, r.contents[i]!]));
    }
    const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return { differing: new Map(found.sort(([a], [b]) => byPath(a, b))), missing: missing.sort(byPath) };
  }

  /** Stops the worker threads. */
  close(): void {
    this.early.close();
  }
}

/** A file's text, undefined when it is not a readable file. */
export function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}

/** Files under `dir` (relative paths; names only, nothing read) that are not in `files`. @internal */
export function filesNotIn(dir: string, files: { has(path: string): boolean }): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !files.has(p)) out.push(p);
    }
  };
  if (existsSync(dir)) walk('');
  return out;
}

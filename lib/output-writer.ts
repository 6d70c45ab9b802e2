import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes a tree of files into `outdir` atomically: the tree is written beside `outdir`, then
 * swapped in with two renames; the previous tree is removed only after the swap. A run that fails
 * before the swap leaves `outdir` as it was. A swap interrupted between the two renames is
 * completed by the next run (the previous tree is kept under `.<name>.old`).
 */
export function writeTreeAtomically(outdir: string, files: ReadonlyMap<string, string>): void {
  const target = resolve(outdir);
  const parent = dirname(target);
  const name = basename(target);
  mkdirSync(parent, { recursive: true });
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
      if (!statSync(target).isDirectory()) throw new Error(`output ${outdir} exists and is not a folder`);
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

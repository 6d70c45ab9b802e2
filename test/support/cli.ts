import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const MAIN = join(REPO, 'lib', 'cli', 'main.ts');

/** Runs the command line as a user would, in `cwd`. */
export function cli(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder with a copy of the example platform in `input/`. */
export function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-cli-'));
  cpSync(join(REPO, 'examples', 'platform'), join(dir, 'input'), { recursive: true });
  return dir;
}

/** Every file under a folder with its bytes and modification time. */
export function snapshotTree(dir: string): Map<string, { content: string; mtime: number }> {
  const out = new Map<string, { content: string; mtime: number }>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out.set(p, { content: readFileSync(join(dir, p), 'utf8'), mtime: statSync(join(dir, p)).mtimeMs });
    }
  };
  walk('');
  return out;
}

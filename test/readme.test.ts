// The README is tested as written: every code block is run by a test (this file, and
// test/package.test.ts for the blocks a user runs with the installed package), its library program
// is examples/library/main.ts, and the commands it names exist.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK_OWNERS, blockKey, commands, README, readmeBlocks, REPO } from './support/readme.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * A folder of links to the checkout's entries (no dist/, dist-library/): the README's commands run
 * there as written, from the repository root, and write their output into it, never into the checkout.
 */
function checkoutLinks(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cozystack-readme-'));
  dirs.push(dir);
  for (const e of readdirSync(REPO)) if (!['dist', 'dist-library', '.git'].includes(e)) symlinkSync(join(REPO, e), join(dir, e));
  return dir;
}

/** Every file under a folder with its text, paths relative to it. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (p.isFile()) {
      const full = join(p.parentPath, p.name);
      out.set(full.slice(dir.length + 1), readFileSync(full, 'utf8'));
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const sh = (line: string, cwd: string) => {
  const r = spawnSync('sh', ['-c', line], { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('README', () => {
  it('every code block is run by a test (no block is left out)', () => {
    expect(readmeBlocks().map(blockKey)).toEqual(Object.keys(BLOCK_OWNERS));
  });

  it('first block: npm ci and npm test are the commands CI runs; npm run synth, run as written, writes the committed dist/', () => {
    const lines = commands(readmeBlocks()[0]!);
    expect(lines.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci', 'npm run synth', 'npm test']);
    // npm ci and npm test cannot run inside the suite (it would reinstall its own dependencies and
    // run itself): they are exactly what CI (.ci/run) runs.
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/&& npm test\b/);
    const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).toBe('vitest run');
    const dir = checkoutLinks();
    const r = sh(lines[1]!, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^synthesized \d+ objects .* into dist: /m);
    const made = tree(join(dir, 'dist'));
    const committed = tree(join(REPO, 'dist'));
    expect([...made.keys()]).toEqual([...committed.keys()]);
    for (const [p, c] of committed) expect(made.get(p), p).toBe(c);
  }, 120_000);

  it('"As a library": the program is examples/library/main.ts (the import aside), and run as its comment says it writes the same platform', () => {
    const block = readmeBlocks().find((b) => blockKey(b) === 'As a library ts')!;
    const example = readFileSync(join(REPO, 'examples', 'library', 'main.ts'), 'utf8');
    expect(block.text).toBe(example.replace("from '../../lib/index.js'", "from 'cozystack-cdk8s'"));
    const command = /`(npx tsx examples\/library\/main\.ts)` writes it to dist-library\//.exec(example)?.[1];
    expect(command).toBe('npx tsx examples/library/main.ts');
    const dir = checkoutLinks();
    const r = sh(command!, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^synthesized \d+ objects into dist-library\n$/);
    // The same platform as examples/platform: the same files as the committed dist/.
    const made = tree(join(dir, 'dist-library'));
    const committed = tree(join(REPO, 'dist'));
    expect([...made.keys()]).toEqual([...committed.keys()]);
    for (const [p, c] of committed) expect(made.get(p), p).toBe(c);
  }, 120_000);

  it('`cdk8s synth` runs the same entry (cdk8s.yaml) on the example into cdk8s\' output folder, which it empties first', () => {
    expect(README).toMatch(/`cdk8s synth` runs the same\s+entry \(`cdk8s\.yaml`\) on the example and writes to cdk8s' output folder \(note that `cdk8s synth`\s+itself empties that folder first\)/);
    const dir = checkoutLinks();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'stray.txt'), 'a file of the user\n');
    // The cdk8s CLI of the repository's dependencies, on PATH as npm scripts have it.
    const r = spawnSync('sh', ['-c', 'cdk8s synth'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '', PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` } });
    expect(r.status, r.stderr).toBe(0);
    const made = tree(join(dir, 'dist'));
    const committed = tree(join(REPO, 'dist'));
    expect([...made.keys()]).toEqual([...committed.keys()]); // stray.txt is gone
    for (const [p, c] of committed) expect(made.get(p), p).toBe(c);
  }, 120_000);

  it('says how to install the package before it is on the registry, as test/package.test.ts does it', () => {
    expect(README).toMatch(/npm ci && npm pack/);
    expect(README).toMatch(/npm install <path>\/cozystack-cdk8s-0\.1\.0\.tgz/);
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(version).toBe('0.1.0');
    expect(readFileSync(join(REPO, 'test', 'package.test.ts'), 'utf8')).toMatch(/npm', \['pack'/);
  });

  it('every npm script it names exists, and every command line it names is a command of the tool', () => {
    const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const named = [...README.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !(n in scripts))).toEqual([]);
    // Inside the repository: `npm run cli -- <command> ...`, run as written with a command.
    expect(README).toContain('`npm run cli -- <command> ...`');
    const cli = sh('npm run cli -- bundles', checkoutLinks());
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^paas-full: /m);
    const tool = [...README.matchAll(/(?:`|npx )cozystack-cdk8s ([a-z]+)\b/g)].map((m) => m[1]!);
    expect(tool.length).toBeGreaterThan(8);
    const known = ['synth', 'validate', 'diff', 'graph', 'bundles', 'apps', 'init', 'help'];
    expect(tool.filter((c) => !known.includes(c))).toEqual([]);
  });
});

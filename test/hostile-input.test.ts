// Hostile and broken YAML input: the command line, spawned with a 512 MiB heap and a 20 s limit,
// must end each run with a clear error (exit 1, a problem line naming the file and the rule),
// never with a crash (stack trace, out of memory), a hang or a partial read.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

const MAIN = join(REPO, 'lib', 'cli', 'main.ts');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const LIMIT_S = 20;
const IS_ROOT = process.getuid?.() === 0;

const PLATFORM = 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: distro-hosted, version: "0.41.11"}\n';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The command line in its own process: one node (tsx as a loader), 512 MiB of heap, killed after 20 s. */
function cliBounded(args: string[], cwd: string, user?: { uid: number; gid: number }): Run {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: LIMIT_S * 1000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=512', CDK8S_OUTDIR: '' },
    ...(user ?? {}),
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds: (performance.now() - started) / 1000 };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temporary folder with `input/platform.yaml` (valid) and the given files. */
function workspaceWith(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-hostile-'));
  dirs.push(dir);
  chmodSync(dir, 0o755); // readable by the unprivileged user some cases run as
  mkdirSync(join(dir, 'input'));
  writeFileSync(join(dir, 'input', 'platform.yaml'), PLATFORM);
  for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, 'input', f), c);
  return dir;
}

/** Exit 1 in time, no crash, and a problem line for `file` with `rule` (and the message, if given). */
function expectClearError(r: Run, file: string, rule: string, message?: RegExp): void {
  const context = `exit ${r.code} signal ${r.signal} after ${r.seconds.toFixed(1)} s\n${r.stderr.slice(0, 2000)}`;
  expect(r.signal, `killed: ${context}`).toBeNull();
  expect(r.seconds, context).toBeLessThan(LIMIT_S);
  expect(r.stderr, context).not.toMatch(/FATAL ERROR|heap out of memory|^\s+at .*:\d+:\d+\)?$/m);
  expect(r.code, context).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr, context).toMatch(/^error: /);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('  '));
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hit = lines.find((l) => new RegExp(`^  ${escaped}(#\\d+)?[ :].*\\[${rule}\\]$`).test(l));
  expect(hit, `a problem line for ${file} [${rule}] in:\n${context}`).toBeDefined();
  if (message) expect(hit).toMatch(message);
  // Every problem line stays readable, however large the input.
  for (const l of lines) expect(l.length, 'a printed problem is clipped').toBeLessThan(4000);
}

describe('broken files, all in one run: each reported, none stops the others', () => {
  const d = workspaceWith({
    'dup.yaml': 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nkind: Postgres\n',
    'latin1.yaml': Buffer.from([...Buffer.from('apiVersion: caf'), 0xe9, 0x0a]),
    'tabs.yaml': 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nmetadata:\n\tname: a\n',
    'syntax.yaml': 'apiVersion: [apps\n',
    'big.yaml': `apiVersion: "${'x'.repeat(20_000_000)}"\n`,
  });
  writeFileSync(join(d, 'input', 'huge.yaml'), '');
  truncateSync(join(d, 'input', 'huge.yaml'), 100 * 1024 * 1024); // sparse: 100 MB that take no disk
  symlinkSync('self.yaml', join(d, 'input', 'self.yaml'));
  const fifo = spawnSync('mkfifo', [join(d, 'input', 'pipe.yaml')]);
  let folder: Run;
  let named: Run;
  beforeAll(() => {
    folder = cliBounded(['validate', '-f', 'input'], d);
    named = cliBounded(['validate', '-f', 'input/platform.yaml', '-f', 'input/huge.yaml', '-f', 'input/pipe.yaml', '-f', '/dev/zero', '-f', 'missing.yaml'], d);
  });

  it('duplicate keys: refused, with line and column', () => expectClearError(folder, 'input/dup.yaml', 'duplicate-key', /#1 line 3, column 1: /));
  it('bytes that are not UTF-8: refused', () => expectClearError(folder, 'input/latin1.yaml', 'invalid-encoding', /not valid UTF-8/));
  it('tabs used for indentation: refused, with line and column', () => expectClearError(folder, 'input/tabs.yaml', 'yaml-syntax', /line 4, column 1: Tabs/));
  it('a YAML syntax error: refused, with line and column', () => expectClearError(folder, 'input/syntax.yaml', 'yaml-syntax', /line \d+, column \d+: /));
  it('a 20 MB single string: refused by size, without reading it', () => expectClearError(folder, 'input/big.yaml', 'file-too-large', /larger than 16777216 bytes/));
  it('a 100 MB file (sparse): refused by size, found in a folder or named', () => {
    expectClearError(folder, 'input/huge.yaml', 'file-too-large');
    expectClearError(named, 'input/huge.yaml', 'file-too-large');
  });
  it('a symbolic link to itself: refused', () => expectClearError(folder, 'input/self.yaml', 'unreadable', /too many levels of symbolic links \(ELOOP\)/));
  it('a named pipe: refused, never opened for reading (that would block forever), found in a folder or named', () => {
    expect(fifo.status, 'mkfifo').toBe(0);
    expectClearError(folder, 'input/pipe.yaml', 'unreadable', /not a file or folder/);
    expectClearError(named, 'input/pipe.yaml', 'unreadable', /not a file or folder/);
  });
  it('a device: refused', () => expectClearError(named, '/dev/zero', 'unreadable', /not a file or folder/));
  it('a path that does not exist: refused', () => expectClearError(named, 'missing.yaml', 'unreadable', /no such file or folder \(ENOENT\)/));
  it('every broken file is reported in the same run', () => {
    const files = new Set(folder.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => /^ {2}(\S+?)(#\d+)?[ :]/.exec(l)?.[1]));
    expect([...files].sort()).toEqual(['input/big.yaml', 'input/dup.yaml', 'input/huge.yaml', 'input/latin1.yaml', 'input/pipe.yaml', 'input/self.yaml', 'input/syntax.yaml', 'input/tabs.yaml']);
  });
});

describe('hostile YAML', () => {
  it('an alias bomb (billion laughs) is refused', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const d = workspaceWith({ 'bomb.yaml': `${levels.join('\n')}\n` });
    // 81 aliases, under the 100 allowed, that expand to 9^9 nodes: refused by the node count after
    // alias expansion (docs/safety.md, issue 15 point 6), before anything is expanded.
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/bomb.yaml', 'too-many-nodes', /after alias expansion/);
  });

  it('amplified YAML within every other limit (issue 15: 9 documents, each 99 aliases of a 25,000-node list) is refused, no crash', () => {
    const doc = `a: &a [${Array(24_999).fill('0').join(',')}]\nb: [${Array(99).fill('*a').join(', ')}]\n`;
    const d = workspaceWith({ 'amplified.yaml': Array(9).fill(doc).join('---\n') });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/amplified.yaml', 'too-many-nodes', /after alias expansion/);
  });

  it('an alias bomb with many aliases per level is refused before parsing', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(40).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const d = workspaceWith({ 'bomb.yaml': `${levels.join('\n')}\n` });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/bomb.yaml', 'alias-limit', /more than 100 aliases/);
  });

  it('flow collections nested 10,000 levels deep are refused', () => {
    const d = workspaceWith({ 'deep.yaml': `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/deep.yaml', 'too-deep', /line 1, column 68: nesting deeper than 64 levels/);
  });

  it('flow maps nested 10,000 levels deep, never closed, are refused', () => {
    const d = workspaceWith({ 'deep.yaml': `${'{a: '.repeat(10_000)}\n` });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/deep.yaml', 'too-deep');
  });

  it('block lists nested 10,000 levels deep are refused', () => {
    const d = workspaceWith({ 'deep.yaml': `${'- '.repeat(10_000)}x\n` });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/deep.yaml', 'too-deep', /nesting deeper than 64 levels/);
  });

  it('an 8 MB string under the size limit is read, and the problem naming it is clipped', () => {
    const d = workspaceWith({ 'big.yaml': `apiVersion: "${'x'.repeat(8_000_000)}"\nkind: Foo\n` });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/big.yaml', 'unknown-api-version', /more characters\)/);
  });

  it('a map of 30,000 keys is read in linear time (the parser checks duplicate keys quadratically)', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const d = workspaceWith({ 'wide.yaml': `${keys}\nk29999: again\n` });
    const r = cliBounded(['validate', '-f', 'input'], d);
    expectClearError(r, 'input/wide.yaml', 'duplicate-key', /line 30001, column 1/);
    expect(r.seconds).toBeLessThan(10);
  });

  it('300,000 empty documents in one file are refused', () => {
    const d = workspaceWith({ 'docs.yaml': '---\n'.repeat(300_000) });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/docs.yaml', 'too-many-documents');
  });

  it('a flat list of 500,000 items is refused before parsing', () => {
    const d = workspaceWith({ 'flat.yaml': `[${Array(500_000).fill('1').join(',')}]\n` });
    expectClearError(cliBounded(['validate', '-f', 'input'], d), 'input/flat.yaml', 'too-many-nodes', /more than 100000 YAML nodes in one document/);
  });
});

describe('hostile file system', () => {
  it('a folder loop through symbolic links ends, and reads every file once', () => {
    const d = workspaceWith({ 'apps.yaml': 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nmetadata: {name: r, namespace: tenant-nobody}\n' });
    symlinkSync('.', join(d, 'input', 'loop'));
    mkdirSync(join(d, 'input', 'sub'));
    symlinkSync('..', join(d, 'input', 'sub', 'back'));
    const r = cliBounded(['validate', '-f', 'input'], d);
    expectClearError(r, 'input/apps.yaml', 'not-a-tenant');
    // Read once: one problem, and no second Platform from a second visit of platform.yaml.
    expect(r.stderr.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(1);
  });

  it('a file and a folder without read permission are refused (run as an unprivileged user when root)', () => {
    const d = workspaceWith({ 'secret.yaml': 'a: 1\n' });
    chmodSync(join(d, 'input', 'secret.yaml'), 0o000);
    mkdirSync(join(d, 'input', 'locked'));
    writeFileSync(join(d, 'input', 'locked', 'x.yaml'), 'a: 1\n');
    chmodSync(join(d, 'input', 'locked'), 0o000);
    // Root reads anything: permission bits only stop an ordinary user, so run as nobody.
    const r = cliBounded(['validate', '-f', 'input'], d, IS_ROOT ? { uid: 65534, gid: 65534 } : undefined);
    expectClearError(r, 'input/secret.yaml', 'unreadable', /permission denied \(EACCES\)/);
    expectClearError(r, 'input/locked', 'unreadable', /cannot list: permission denied \(EACCES\)/);
  });
});

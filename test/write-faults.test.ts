// Faults while the output is written: a synth killed at random moments, a full disk, a read-only
// output location, two syntheses into one folder. Real processes on real files; where the machine
// does not allow the real fault (mount, chattr need root), the fault is emulated in the process
// with a preload module that makes the file system calls fail, and the test says so.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree } from '../lib/output/writer.js';
import { recoverSwap } from '../lib/output/ownership.js';
import { REPO } from './support/cli.js';

const MAIN = join(REPO, 'lib', 'cli', 'main.ts');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Starts the command line (one node process, tsx as a loader), optionally with a fault preload. */
function start(args: string[], cwd: string, preload?: { file?: string; env: Record<string, string> }): ChildProcess {
  const imports = [...(preload?.file ? ['--import', pathToFileURL(preload.file).href] : []), '--import', TSX_LOADER];
  return spawn(process.execPath, [...imports, MAIN, ...args], { cwd, env: { ...process.env, CDK8S_OUTDIR: '', ...(preload?.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess): Promise<Run> {
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 })));
}

const runCli = (args: string[], cwd: string, preload?: { file?: string; env: Record<string, string> }) => finish(start(args, cwd, preload));
/** Environment that makes every write go through worker threads, three of them (see TreeWrite). */
const IN_WORKER = { env: { COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES: '1', COZYSTACK_CDK8S_WRITER_THREADS: '3' } };
/** Environment that keeps every write in the main thread, where a fault preload can reach it (not in workers). */
const IN_MAIN_THREAD = { COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES: '1000000000' };

/** Platform (distro-hosted) and `count` tenants from `first`, 100 documents per file. */
function writeInput(dir: string, first: number, count: number, spec: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const docs = ['apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: distro-hosted, version: "0.41.11"}\n'];
  for (let i = first; i < first + count; i++) {
    docs.push(`apiVersion: apps.cozystack.io/v1alpha1\nkind: Tenant\nmetadata: {name: t${i}, namespace: tenant-root}\nspec: ${JSON.stringify(spec)}\n`);
  }
  for (let f = 0; f * 100 < docs.length; f++) writeFileSync(join(dir, `part-${String(f).padStart(3, '0')}.yaml`), docs.slice(f * 100, (f + 1) * 100).join('---\n'));
}

type Tree = Map<string, string>;

function sameTree(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return false;
  for (const [p, c] of a) if (b.get(p) !== c) return false;
  return true;
}

/** How a tree mixes two references, for failure messages. */
function describeMix(t: Tree, a: Tree, b: Tree): string {
  let fromA = 0;
  let fromB = 0;
  let neither = 0;
  for (const [p, c] of t) {
    if (a.get(p) === c) fromA++;
    else if (b.get(p) === c) fromB++;
    else neither++;
  }
  return `${t.size} files: ${fromA} as in the old tree, ${fromB} as in the new one, ${neither} in neither (old has ${a.size}, new ${b.size})`;
}

/** Leftovers beside an output folder: staging folders, lock files, the previous tree. */
function leftovers(parent: string, name: string): string[] {
  return readdirSync(parent).filter((e) => e.startsWith(`.${name}.`));
}

/** A module that makes one fs function fail with `code` after `after` successful calls on matching paths. */
function writeFaultPreload(dir: string): string {
  const file = join(dir, 'fault-preload.mjs');
  writeFileSync(
    file,
    `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const [fn, code, after, match] = process.env.FAULT.split(':');
const original = fs[fn];
let calls = 0;
fs[fn] = function (...args) {
  if (String(args[0]).includes(match) && calls++ >= Number(after)) {
    if (code === 'KILL') process.kill(process.pid, 'SIGKILL'); // killed right there, deterministically
    const e = new Error(code + ': emulated fault, ' + fn + " '" + String(args[0]) + "'");
    Object.assign(e, { code, syscall: fn, path: String(args[0]) });
    throw e;
  }
  return original.apply(this, args);
};
syncBuiltinESMExports();
`,
  );
  return file;
}

const IS_ROOT = process.getuid?.() === 0;
const ws = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-faults-'));
const mounts: string[] = [];
const immutable: string[] = [];
let preload: string;
let small: Tree;
let medium: Tree;
let mediumB: Tree;

afterAll(() => {
  for (const m of mounts.reverse()) {
    spawnSync('mount', ['-o', 'remount,rw', m]);
    spawnSync('umount', [m]);
  }
  for (const i of immutable) spawnSync('chattr', ['-i', i]);
  rmSync(ws, { recursive: true, force: true });
});

beforeAll(async () => {
  chmodSync(ws, 0o755);
  writeInput(join(ws, 'small'), 0, 3, {});
  writeInput(join(ws, 'medium'), 0, 600, { isolated: true });
  writeInput(join(ws, 'medium-b'), 50, 600, { isolated: false });
  preload = writeFaultPreload(ws);
  const refs = await Promise.all(['small', 'medium', 'medium-b'].map((i) => runCli(['synth', '-f', i, '--out', `ref-${i}`], ws)));
  for (const r of refs) expect(r.code, r.stderr).toBe(0);
  small = readTree(join(ws, 'ref-small'));
  medium = readTree(join(ws, 'ref-medium'));
  mediumB = readTree(join(ws, 'ref-medium-b'));
});

/** Mounts a tmpfs (optionally of a size) on a new folder; undefined when this machine does not allow it. */
function tryMount(name: string, options: string): string | undefined {
  if (!IS_ROOT) return undefined;
  const dir = join(ws, name);
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}

/** A tmpfs the tests mount, or a fault emulated in the process: decided when the file loads, so the test names say which. */
function mountOrFail(name: string, options: string): string {
  const dir = tryMount(name, options);
  if (!dir) throw new Error(`mounting a tmpfs on ${name} failed, although the probe at load time succeeded`);
  return dir;
}

// What this machine allows, probed once when the file loads: the test names say when a fault is emulated.
const CAN_MOUNT = (() => {
  const probe = tryMount('probe-mount', 'size=1m');
  if (!probe) return false;
  spawnSync('umount', [probe]);
  mounts.pop();
  return true;
})();
const CAN_CHATTR = (() => {
  if (!IS_ROOT) return false;
  const f = join(ws, 'probe-chattr');
  writeFileSync(f, '');
  const ok = spawnSync('chattr', ['+i', f]).status === 0;
  spawnSync('chattr', ['-i', f]);
  rmSync(f, { force: true });
  return ok;
})();
const NO_MOUNT = 'EMULATED, no tmpfs can be mounted here (needs root and mount rights)';

describe('synth killed (SIGKILL) at random moments (an extra to the deterministic kills below)', () => {
  let refA: Tree;
  let refB: Tree;
  let normalSeconds = 0;
  let writeSeconds = 0;

  beforeAll(async () => {
    writeInput(join(ws, 'a'), 0, 2000, { isolated: true });
    writeInput(join(ws, 'b'), 100, 2000, { isolated: false, etcd: true });
    // A normal run, alone, timed: the whole run, and its write phase (from the staging folder on).
    const child = start(['synth', '-f', 'a', '--out', 'ref-a'], ws);
    const done = finish(child);
    let staged: number | undefined;
    while (child.exitCode === null && staged === undefined) {
      if (readdirSync(ws).some((e) => e.startsWith('.ref-a.new-'))) staged = performance.now();
      else await new Promise((r) => setTimeout(r, 2));
    }
    const a = await done;
    writeSeconds = staged === undefined ? 0.3 : (performance.now() - staged) / 1000;
    const b = await runCli(['synth', '-f', 'b', '--out', 'ref-b'], ws);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    normalSeconds = a.seconds;
    refA = readTree(join(ws, 'ref-a'));
    refB = readTree(join(ws, 'ref-b'));
    expect(refA.size).toBeGreaterThan(2000);
  });

  it('leaves the complete old tree or the complete new one, never a mixture, and the user\'s files as they were; the next run succeeds and cleans up', async () => {
    const dir = join(ws, 'kill');
    mkdirSync(dir);
    cpSync(join(ws, 'ref-a'), join(dir, 'out'), { recursive: true });
    // The output is a GitOps repository: files of the user's at its root and inside a folder of the tool's.
    const USER: Tree = new Map([['.git/HEAD', 'ref: refs/heads/main\n'], ['README.md', '# platform\n'], ['tenants/NOTES.md', 'notes\n']]);
    for (const [p, c] of USER) {
      mkdirSync(join(dir, 'out', p, '..'), { recursive: true });
      writeFileSync(join(dir, 'out', p), c);
    }
    const isUser = (p: string) => USER.has(p);
    const toolTree = (d: string): Tree => new Map([...readTree(d)].filter(([p]) => !isUser(p)));
    const userTree = (d: string): Tree => new Map([...readTree(d)].filter(([p]) => isUser(p)));
    const refs = { a: refA, b: refB };
    let current: 'a' | 'b' = 'a';
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const target: 'a' | 'b' = current === 'a' ? 'b' : 'a'; // every run changes the output
      const child = start(['synth', '-f', join('..', target), '--out', 'out'], dir);
      const done = finish(child);
      let how: string;
      if (i % 2 === 0) {
        // Anywhere in the run: start-up, reading, synthesis, writing, swapping.
        const delay = Math.random() * normalSeconds * 1000;
        how = `after ${delay.toFixed(0)} ms`;
        await new Promise((r) => setTimeout(r, delay));
      } else {
        // In the write phase: once the staging folder exists, then up to the time a whole write takes.
        const deadline = performance.now() + normalSeconds * 2000;
        // This run's staging folder (killed runs leave theirs, removed by the next run).
        const staging = `.out.new-${child.pid}-`;
        while (performance.now() < deadline && !readdirSync(dir).some((e) => e.startsWith(staging)) && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
        const delay = Math.random() * writeSeconds * 1000 * 1.2;
        how = `${delay.toFixed(0)} ms into the write phase (of ${(writeSeconds * 1000).toFixed(0)} ms)`;
        await new Promise((r) => setTimeout(r, delay));
      }
      child.kill('SIGKILL');
      const r = await done;
      const outDir = join(dir, 'out');
      let outcome: string;
      let undone = '';
      if (existsSync(join(dir, '.out.swap'))) {
        // Killed during the swap, before its commit: the journal beside the output lets the next run undo it.
        recoverSwap(outDir);
        undone = ' (swap interrupted, undone from its journal)';
      }
      const state = existsSync(outDir) ? toolTree(outDir) : undefined;
      if (state && !sameTree(userTree(outDir), USER)) throw new Error(`run ${i} killed ${how}: the user's files changed`);
      if (state && sameTree(state, refs[current])) outcome = `old tree${undone}`;
      else if (state && sameTree(state, refs[target])) {
        outcome = 'new tree';
        current = target;
      } else if (!state && existsSync(join(dir, '.out.old')) && sameTree(readTree(join(dir, '.out.old')), refs[current])) {
        // Killed between the two renames of the swap: the old tree, complete, waits beside; the next run puts it back.
        outcome = 'old tree moved aside (restored by the next run)';
      } else {
        throw new Error(`run ${i} killed ${how} (exit ${r.code}, ${r.signal}): the output is a mixture: ${state ? describeMix(state, refs[current], refs[target]) : 'no output folder and no complete old tree beside it'}`);
      }
      outcomes.push(`${how}: ${r.signal ?? `exit ${r.code}`}, ${outcome}`);
    }
    // The next run succeeds and leaves no staging folder, no lock and no old tree behind.
    const last = await runCli(['synth', '-f', join('..', 'b'), '--out', 'out'], dir);
    expect(last.code, `${last.stderr}\n${outcomes.join('\n')}`).toBe(0);
    expect(sameTree(toolTree(join(dir, 'out')), refB), outcomes.join('\n')).toBe(true);
    expect(sameTree(userTree(join(dir, 'out')), USER)).toBe(true);
    expect(leftovers(dir, 'out'), outcomes.join('\n')).toEqual([]);
    console.info(`write-faults: ${outcomes.length} killed runs:\n  ${outcomes.join('\n  ')}`);
  });
});

/** Starts a synth that pauses at `phase` (test hook COZYSTACK_CDK8S_TEST_PAUSE_AT, lib/output-writer.ts), waits for it to say so, and kills it there. */
async function killAt(phase: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  const child = start(args, cwd, { env: { ...env, COZYSTACK_CDK8S_TEST_PAUSE_AT: phase } });
  const done = finish(child);
  let stderr = '';
  const paused = new Promise<boolean>((resolve) => {
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (stderr.includes(`cozystack-cdk8s test hook: paused at ${phase}\n`)) resolve(true);
    });
    child.on('close', () => resolve(false));
  });
  if (!(await paused)) {
    const r = await done;
    throw new Error(`the run never paused at ${phase} (exit ${r.code}): ${r.stderr}`);
  }
  child.kill('SIGKILL');
  const r = await done;
  expect(r.signal).toBe('SIGKILL');
  return r;
}

describe('synth killed (SIGKILL) in each phase of the write, deterministically (test hook pauses the writer there)', () => {
  // The writer pauses at a named phase (COZYSTACK_CDK8S_TEST_PAUSE_AT, a test-only hook) and says
  // so on stderr; the kill lands exactly there. The random kills above stay as an extra.
  const writers = { 'main thread': IN_MAIN_THREAD, 'worker threads': IN_WORKER.env };
  for (const [writer, env] of Object.entries(writers)) {
    it(`killed with the lock taken, before anything is written (${writer}): the old tree stays; the next run takes the lock over`, async () => {
      const dir = join(ws, `phase-locked-${writer.split(' ')[0]}`);
      mkdirSync(dir);
      cpSync(join(ws, 'ref-medium'), join(dir, 'out'), { recursive: true });
      await killAt('locked', ['synth', '-f', join(ws, 'medium-b'), '--out', 'out'], dir, env);
      expect(sameTree(readTree(join(dir, 'out')), medium)).toBe(true);
      expect(leftovers(dir, 'out')).toContain('.out.lock');
      await expectNextRunCleansUp(dir, env);
    });

    it(`killed in the write phase, the staging folder half written (${writer}): the old tree stays; the next run removes the staging folder`, async () => {
      const dir = join(ws, `phase-writing-${writer.split(' ')[0]}`);
      mkdirSync(dir);
      cpSync(join(ws, 'ref-medium'), join(dir, 'out'), { recursive: true });
      await killAt('writing', ['synth', '-f', join(ws, 'medium-b'), '--out', 'out'], dir, env);
      expect(sameTree(readTree(join(dir, 'out')), medium)).toBe(true);
      const staging = leftovers(dir, 'out').filter((e) => e.startsWith('.out.new-'));
      expect(staging).toHaveLength(1);
      if (writer === 'main thread') {
        // Paused after half of the files: the staging folder holds some, not all.
        const inStaging = readTree(join(dir, staging[0]!)).size;
        expect(inStaging).toBeGreaterThan(0);
        expect(inStaging).toBeLessThan(mediumB.size);
      }
      await expectNextRunCleansUp(dir, env);
    });

    it(`killed inside the swap, the first of the tool's entries moved aside (${writer}): the output folder stays, the journal and the entry beside it; the next run undoes the swap`, async () => {
      const dir = join(ws, `phase-aside-${writer.split(' ')[0]}`);
      mkdirSync(dir);
      cpSync(join(ws, 'ref-medium'), join(dir, 'out'), { recursive: true });
      await killAt('moved-aside', ['synth', '-f', join(ws, 'medium-b'), '--out', 'out'], dir, env);
      // The swap is per top-level entry (docs/safety.md): the folder itself never moves.
      expect(existsSync(join(dir, 'out'))).toBe(true);
      expect(leftovers(dir, 'out')).toEqual(expect.arrayContaining(['.out.swap', '.out.old']));
      const aside = readTree(join(dir, '.out.old'));
      const now = readTree(join(dir, 'out'));
      // Every old file is either still in place or moved aside, unchanged; none is lost.
      for (const [p, c] of medium) expect(now.get(p) === c || aside.get(p) === c, p).toBe(true);
      expect(sameTree(now, medium)).toBe(false);
      // The next run puts the old tree back before anything else: synthesizing the old input then changes nothing.
      const restoredThenWritten = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, { env });
      expect(restoredThenWritten.code, restoredThenWritten.stderr).toBe(0);
      expect(restoredThenWritten.stdout).toMatch(/ files, 0 changed, /);
      expect(sameTree(readTree(join(dir, 'out')), medium)).toBe(true);
      expect(leftovers(dir, 'out')).toEqual([]);
    });

    it(`killed after the swap is committed, before what was moved aside is cleared (${writer}): the new tree is in place; the next run clears the rest`, async () => {
      const dir = join(ws, `phase-swapped-${writer.split(' ')[0]}`);
      mkdirSync(dir);
      cpSync(join(ws, 'ref-medium'), join(dir, 'out'), { recursive: true });
      await killAt('swapped', ['synth', '-f', join(ws, 'medium-b'), '--out', 'out'], dir, env);
      expect(sameTree(readTree(join(dir, 'out')), mediumB)).toBe(true);
      // Committed: no journal; the old entries wait beside the output.
      expect(leftovers(dir, 'out')).toContain('.out.old');
      expect(leftovers(dir, 'out')).not.toContain('.out.swap');
      await expectNextRunCleansUp(dir, env);
    });
  }

  /** The next run (to the new tree) succeeds and leaves nothing beside the output. */
  async function expectNextRunCleansUp(dir: string, env: Record<string, string>): Promise<void> {
    const r = await runCli(['synth', '-f', join(ws, 'medium-b'), '--out', 'out'], dir, { env });
    expect(r.code, r.stderr).toBe(0);
    expect(sameTree(readTree(join(dir, 'out')), mediumB)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  }
});

describe('a run killed between the two renames of the swap', () => {
  it('leaves the old tree beside the output; the next run puts it back before anything else, even a run that then fails', async () => {
    const dir = join(ws, 'between');
    mkdirSync(dir);
    // What a run killed there leaves: no output folder, the old tree aside, its staging folder, its lock.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    cpSync(join(ws, 'ref-small'), join(dir, '.out.old'), { recursive: true });
    cpSync(join(ws, 'ref-medium'), join(dir, `.out.new-${dead}-1`), { recursive: true });
    writeFileSync(join(dir, '.out.lock'), dead);
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, { file: preload, env: { FAULT: 'writeFileSync:ENOSPC:20:.out.new-', ...IN_MAIN_THREAD } });
    expect(r.code, r.stderr).toBe(1);
    expect(sameTree(readTree(join(dir, 'out')), small)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  });
});

describe('an output folder that holds files of the user\'s (a GitOps repository)', () => {
  const USER: Tree = new Map([['.git/HEAD', 'ref: refs/heads/main\n'], ['README.md', '# platform\n'], ['platform/NOTES.md', 'notes\n']]);
  /** An output of the small input with the user's files added. */
  function repo(name: string): string {
    const dir = join(ws, name);
    mkdirSync(dir);
    cpSync(join(ws, 'ref-small'), join(dir, 'out'), { recursive: true });
    for (const [p, c] of USER) {
      mkdirSync(join(dir, 'out', p, '..'), { recursive: true });
      writeFileSync(join(dir, 'out', p), c);
    }
    return dir;
  }
  const split = (d: string) => {
    const all = readTree(d);
    return { tool: new Map([...all].filter(([p]) => !USER.has(p))), user: new Map([...all].filter(([p]) => USER.has(p))) };
  };

  it('a swap that fails after some entries were swapped puts every entry back; the user\'s files stay', async () => {
    const dir = repo('swap-fails');
    // Renames out of the staging folder: the third one fails (two entries are in place by then).
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, { file: preload, env: { FAULT: 'renameSync:EROFS:2:.out.new-', ...IN_MAIN_THREAD } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write out: read-only file system \(EROFS, renameSync \S+\.out\.new-\S+\); out is unchanged\n$/);
    const { tool, user } = split(join(dir, 'out'));
    expect(sameTree(tool, small), describeMix(tool, small, medium)).toBe(true);
    expect(sameTree(user, USER)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  });

  it('a run killed in the middle of the swap leaves a journal; the next run undoes the swap first, even a run that then fails', async () => {
    const dir = repo('swap-killed');
    const killed = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, { file: preload, env: { FAULT: 'renameSync:KILL:2:.out.new-', ...IN_MAIN_THREAD } });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(dir, '.out.swap'))).toBe(true);
    const mixed = split(join(dir, 'out')).tool;
    expect(sameTree(mixed, small) || sameTree(mixed, medium)).toBe(false); // a mixture, until the next run
    const next = await runCli(['synth', '-f', join(ws, 'no-such-input'), '--out', 'out'], dir);
    expect(next.code).toBe(1);
    const { tool, user } = split(join(dir, 'out'));
    expect(sameTree(tool, small), describeMix(tool, small, medium)).toBe(true);
    expect(sameTree(user, USER)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  });

  it('a changed output written by worker threads keeps the user\'s files, and unchanged ones are left untouched', async () => {
    const dir = repo('worker-repo');
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, IN_WORKER);
    expect(r.code, r.stderr).toBe(0);
    let { tool, user } = split(join(dir, 'out'));
    expect(sameTree(tool, medium)).toBe(true);
    expect(sameTree(user, USER)).toBe(true);
    const again = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, IN_WORKER);
    expect(again.stdout).toMatch(/ 0 changed/);
    ({ tool, user } = split(join(dir, 'out')));
    expect(sameTree(tool, medium) && sameTree(user, USER)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  });
});

describe('an output folder on a full disk', () => {
  it(`a write that runs out of space leaves the old tree intact and reports ENOSPC (${CAN_MOUNT ? 'a real 2 MiB tmpfs' : `${NO_MOUNT}: writes into the staging folder fail with a faked ENOSPC`})`, async () => {
    // No mount here: the same fault, emulated (writes into the staging folder fail with ENOSPC).
    if (!CAN_MOUNT) return expectEnospcEmulated();
    const mnt = mountOrFail('full', 'size=2m');
    const first = await runCli(['synth', '-f', join(ws, 'small'), '--out', 'out'], mnt);
    expect(first.code, first.stderr).toBe(0);
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], mnt, { env: IN_MAIN_THREAD });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(r.stderr.split('\n')[0] + '\n'); // one line, no stack trace
    expect(r.stderr).toMatch(/^error: cannot write out: no space left on device \(ENOSPC, write \S+\.out\.new-\S+\); out is unchanged$/m);
    expect(sameTree(readTree(join(mnt, 'out')), small)).toBe(true);
    expect(leftovers(mnt, 'out')).toEqual([]);
    // The space the failed run took is given back: a run that fits still succeeds.
    const again = await runCli(['synth', '-f', join(ws, 'small'), '--out', 'out'], mnt);
    expect(again.code, again.stderr).toBe(0);
  });

  it(`the same when worker threads write the files (${CAN_MOUNT ? 'a real 2 MiB tmpfs' : `${NO_MOUNT}, and only in the main thread: a fault preload does not reach worker threads, so the worker write is NOT checked`})`, async () => {
    if (!CAN_MOUNT) return expectEnospcEmulated();
    const mnt = mountOrFail('full-worker', 'size=2m');
    const first = await runCli(['synth', '-f', join(ws, 'small'), '--out', 'out'], mnt, IN_WORKER);
    expect(first.code, first.stderr).toBe(0);
    for (const state of ['with an output', 'without an output']) {
      if (state === 'without an output') rmSync(join(mnt, 'out'), { recursive: true });
      const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], mnt, IN_WORKER);
      expect(r.code, `${state}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^error: cannot write out: no space left on device \(ENOSPC, (write|open|mkdir) \S+\.out\.new-\S+\); out is unchanged\n$/);
      if (state === 'with an output') expect(sameTree(readTree(join(mnt, 'out')), small)).toBe(true);
      else expect(existsSync(join(mnt, 'out'))).toBe(false);
      expect(leftovers(mnt, 'out')).toEqual([]);
    }
  });

  it('the same fault, EMULATED on purpose in the process (writes into the staging folder fail with a faked ENOSPC)', () => expectEnospcEmulated());

  async function expectEnospcEmulated(): Promise<void> {
    const dir = join(ws, `enospc-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    cpSync(join(ws, 'ref-small'), join(dir, 'out'), { recursive: true });
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, { file: preload, env: { FAULT: 'writeFileSync:ENOSPC:20:.out.new-', ...IN_MAIN_THREAD } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write out: no space left on device \(ENOSPC, writeFileSync \S+\.out\.new-\S+\); out is unchanged\n$/);
    expect(sameTree(readTree(join(dir, 'out')), small)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  }
});

describe('a read-only output location', () => {
  it(`a read-only file system: nothing is written, the old tree stays, EROFS is reported (${CAN_MOUNT ? 'a real tmpfs remounted read-only' : `${NO_MOUNT}: the swap fails with a faked EROFS`})`, async () => {
    if (!CAN_MOUNT) return expectErofsEmulated();
    const mnt = mountOrFail('ro', 'size=16m');
    const first = await runCli(['synth', '-f', join(ws, 'small'), '--out', 'out'], mnt);
    expect(first.code, first.stderr).toBe(0);
    expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], mnt);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot lock out for writing: read-only file system \(EROFS, open \S+\)\n$/);
    expect(sameTree(readTree(join(mnt, 'out')), small)).toBe(true);
    expect(leftovers(mnt, 'out')).toEqual([]);
  });

  it(`an output folder that cannot be moved: the old tree stays, the staging folder is removed (${CAN_CHATTR ? 'a real chattr +i' : 'EMULATED, chattr +i is not available here (needs root and a file system with attributes): the swap fails with a faked EROFS'})`, async () => {
    if (!CAN_CHATTR) return expectErofsEmulated();
    const dir = join(ws, 'immutable');
    mkdirSync(dir);
    cpSync(join(ws, 'ref-small'), join(dir, 'out'), { recursive: true });
    expect(spawnSync('chattr', ['+i', join(dir, 'out')]).status, 'chattr +i failed although the probe at load time succeeded').toBe(0);
    immutable.push(join(dir, 'out'));
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir);
    spawnSync('chattr', ['-i', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write out: operation not permitted \(EPERM, rename \S+\/out\/\S+\); out is unchanged\n$/);
    expect(sameTree(readTree(join(dir, 'out')), small)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  });

  it('the same fault, EMULATED on purpose in the process (the swap fails with a faked EROFS)', () => expectErofsEmulated());

  async function expectErofsEmulated(): Promise<void> {
    const dir = join(ws, `erofs-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    cpSync(join(ws, 'ref-small'), join(dir, 'out'), { recursive: true });
    // The first rename of the swap (the old tree aside) succeeds, the second (the new tree in) fails:
    // the old tree must be put back in place.
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir, { file: preload, env: { FAULT: 'renameSync:EROFS:0:.out.new-', ...IN_MAIN_THREAD } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write out: read-only file system \(EROFS, renameSync \S+\.out\.new-\S+\); out is unchanged\n$/);
    expect(sameTree(readTree(join(dir, 'out')), small)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  }
});

describe('two syntheses into the same folder', () => {
  it('a live lock makes a run fail with the lock message and touch nothing', async () => {
    const dir = join(ws, 'locked');
    mkdirSync(dir);
    cpSync(join(ws, 'ref-small'), join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, '.out.lock'), String(process.pid));
    const r = await runCli(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: another synthesis \\(pid ${process.pid}\\) is writing out; try again when it has finished \\(lock file \\S+\\)\\n$`));
    expect(sameTree(readTree(join(dir, 'out')), small)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual(['.out.lock']); // the other run's lock is left alone
    rmSync(join(dir, '.out.lock'));
  });

  it('a lock left by a dead run is taken over', async () => {
    const dir = join(ws, 'stale');
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, '.out.lock'), dead.stdout);
    writeFileSync(join(dir, `.out.lock.${dead.stdout}-1`), dead.stdout); // a lock file of the dead run, written aside
    const r = await runCli(['synth', '-f', join(ws, 'small'), '--out', 'out'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(sameTree(readTree(join(dir, 'out')), small)).toBe(true);
    expect(leftovers(dir, 'out')).toEqual([]);
  });

  it('started together: one succeeds, the other succeeds after it or fails with the lock message; the final tree is complete', async () => {
    const dir = join(ws, 'race');
    mkdirSync(dir);
    const [refM, refMB] = [medium, mediumB];
    for (const stagger of [0, 150]) {
      const first = start(['synth', '-f', join(ws, 'medium'), '--out', 'out'], dir);
      const firstDone = finish(first);
      await new Promise((r) => setTimeout(r, stagger));
      const [a, b] = await Promise.all([firstDone, runCli(['synth', '-f', join(ws, 'medium-b'), '--out', 'out'], dir)]);
      const runs = [a, b];
      expect(runs.filter((x) => x.code === 0).length, runs.map((x) => x.stderr).join('\n')).toBeGreaterThanOrEqual(1);
      for (const x of runs.filter((y) => y.code !== 0)) expect(x.stderr).toMatch(/^error: another synthesis \(pid \d+\) is writing out; try again when it has finished \(lock file \S+\)\n$/);
      const final = readTree(join(dir, 'out'));
      const okTrees = [a.code === 0 ? refM : undefined, b.code === 0 ? refMB : undefined].filter((t): t is Tree => !!t);
      expect(okTrees.some((t) => sameTree(final, t)), `stagger ${stagger} ms: ${describeMix(final, refM, refMB)}`).toBe(true);
      expect(leftovers(dir, 'out')).toEqual([]);
    }
  });
});

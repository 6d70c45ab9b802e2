// The output writer with files handed over while they are made (TreeWrite.add): past a number of
// files, a worker thread writes them into the staging folder (no output yet) or compares them with
// the output's files. The guarantees of writeTreeAtomically must hold the same: the whole new tree
// or the old one, an unchanged output untouched, nothing left beside it, errors that name the file.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writerThreads } from '../lib/output/worker.js';
import { OutputWriteError, readTree as readAll, TreeWrite, writeTreeAtomically } from '../lib/output/writer.js';
import { MANIFEST, manifestText, readManifest } from '../lib/output/ownership.js';
import { TreeCompare } from '../lib/output/compare.js';

const ws = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-tree-write-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(ws, `case-${n++}`, 'out');

/** A tree of `count` files in a few folders, with a kustomization per folder (like the output). */
function tree(count: number, salt = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) files.set(`tenants/tenant-t${i % 7}/helmrelease-app-${i}.yaml`, `kind: HelmRelease\nname: app-${i}${salt}\n`);
  for (let t = 0; t < 7; t++) files.set(`tenants/tenant-t${t}/kustomization.yaml`, `resources: ${t}${salt}\n`);
  files.set('kustomization.yaml', 'resources:\n- tenants\n');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The kustomizations: the files synthesis makes last (the others are handed over as they are made). */
const lastOnes = (files: Map<string, string>) => new Map([...files].filter(([p]) => p.endsWith('kustomization.yaml')));

/** Synthesis as the command line does it: object files handed over as made, then the paths and the rest. */
function streamed(outdir: string, files: Map<string, string>, backgroundMinFiles = 1): number {
  const write = new TreeWrite(outdir, { backgroundMinFiles });
  try {
    for (const [p, c] of files) if (!p.endsWith('kustomization.yaml')) write.add(p, c);
    return write.commit([...files.keys()], lastOnes(files));
  } finally {
    write.close();
  }
}

/** The files of an output but its manifest (checked apart). */
const readTree = (dir: string): Map<string, string> => new Map([...readAll(dir)].filter(([p]) => p !== MANIFEST));
const leftovers = (outdir: string): string[] => readdirSync(join(outdir, '..')).filter((e) => e.startsWith('.out.'));
const same = (a: Map<string, string>, b: Map<string, string>) => expect([...a]).toEqual([...b]);

for (const threads of ['1', '3']) describe(`TreeWrite with ${threads} worker thread(s)`, () => {
  beforeAll(() => {
    process.env.COZYSTACK_CDK8S_WRITER_THREADS = threads;
  });
  afterAll(() => {
    delete process.env.COZYSTACK_CDK8S_WRITER_THREADS;
  });

  it('writes a new output: every file, nothing beside it', () => {
    const out = fresh();
    const files = tree(500);
    expect(streamed(out, files)).toBe(files.size);
    same(readTree(out), files);
    expect(readAll(out).get(MANIFEST)).toBe(manifestText(files.keys())); // the files the tool owns
    expect(leftovers(out)).toEqual([]);
  });

  it('leaves an unchanged output untouched: 0 changed, no file rewritten', () => {
    const out = fresh();
    const files = tree(300);
    streamed(out, files);
    const before = statSync(join(out, 'tenants/tenant-t1/helmrelease-app-1.yaml')).mtimeMs;
    const inode = statSync(out).ino;
    expect(streamed(out, files)).toBe(0);
    expect(statSync(out).ino).toBe(inode);
    expect(statSync(join(out, 'tenants/tenant-t1/helmrelease-app-1.yaml')).mtimeMs).toBe(before);
    expect(leftovers(out)).toEqual([]);
  });

  it('replaces the tool\'s files of a changed output, counting changed, added and removed files; other files stay', () => {
    const out = fresh();
    streamed(out, tree(300));
    writeFileSync(join(out, 'stray.yaml'), 'x'); // not the tool's: kept
    const next = tree(300);
    next.delete('tenants/tenant-t2/helmrelease-app-2.yaml'); // removed
    next.set('tenants/tenant-t0/helmrelease-app-0.yaml', 'changed\n'); // changed
    next.set('tenants/tenant-t0/helmrelease-new.yaml', 'new\n'); // added
    const inode = (p: string) => statSync(join(out, p)).ino;
    const kept = inode('tenants/tenant-t5/helmrelease-app-5.yaml');
    const rewritten = inode('tenants/tenant-t0/helmrelease-app-0.yaml');
    expect(streamed(out, next)).toBe(3);
    same(readTree(out), new Map([...next, ['stray.yaml', 'x'] as [string, string]].sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(leftovers(out)).toEqual([]);
    // Unchanged files come over as hard links (no data written), changed ones are new files.
    expect(inode('tenants/tenant-t5/helmrelease-app-5.yaml')).toBe(kept);
    expect(inode('tenants/tenant-t0/helmrelease-app-0.yaml')).not.toBe(rewritten);
  });

  it('gives the same trees and counts as the write without a worker', () => {
    const a = fresh();
    const b = fresh();
    for (const [i, files] of [tree(200), tree(200), tree(250, '-v2'), tree(100)].entries()) {
      expect(streamed(a, files), `step ${i}`).toBe(writeTreeAtomically(b, files));
      same(readTree(a), readTree(b));
    }
  });

  it('a synthesis that fails after files were handed over leaves the old output and nothing else', () => {
    const out = fresh();
    const old = tree(50);
    streamed(out, old);
    for (const exists of [true, false]) {
      if (!exists) rmSync(out, { recursive: true });
      const write = new TreeWrite(out, { backgroundMinFiles: 1 });
      for (const [p, c] of tree(400, '-new')) write.add(p, c);
      write.close(); // the synthesis threw: no commit
      if (exists) same(readTree(out), old);
      else expect(readdirSync(join(out, '..'))).toEqual([]);
      expect(leftovers(out)).toEqual([]);
    }
  });

  it('a file system error in the worker names the file and leaves nothing behind', () => {
    const out = fresh(); // no output yet: files go straight to the staging folder
    mkdirSync(join(out, '..'));
    const bad = tree(100);
    bad.set('tenants', 'a file where a folder must be\n'); // every tenants/... file then fails
    let error: unknown;
    try {
      streamed(out, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as OutputWriteError).message).toMatch(/^cannot write \S+: .*\((ENOTDIR|EEXIST|EISDIR), (mkdir|open) \S+\.out\.new-\S+\); \S+ is unchanged$/);
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});

it('a commit that lacks a file\'s content is a bug, reported before anything is written', () => {
  const out = fresh();
  for (const minFiles of [1, 1_000_000]) {
    const write = new TreeWrite(out, { backgroundMinFiles: minFiles });
    try {
      write.add('a.yaml', 'a\n');
      expect(() => write.commit(['a.yaml', 'b.yaml'], new Map())).toThrow(/no content for b\.yaml/);
    } finally {
      write.close();
    }
    expect(readdirSync(join(out, '..'))).toEqual([]);
  }
});

for (const threads of ['1', '3']) describe(`TreeCompare (diff), ${threads} worker thread(s)`, () => {
  beforeAll(() => {
    process.env.COZYSTACK_CDK8S_WRITER_THREADS = threads;
  });
  afterAll(() => {
    delete process.env.COZYSTACK_CDK8S_WRITER_THREADS;
  });

  /** What readTree would say: files of `files` that differ or are absent, and the folder's files `files` lacks. */
  const naive = (dir: string, files: Map<string, string>) => {
    const before = readTree(dir);
    return {
      differing: [...files.keys()].filter((p) => before.get(p) !== files.get(p)).sort(),
      missing: [...before.keys()].filter((p) => !files.has(p)).sort(),
    };
  };
  for (const minFiles of [1, 1_000_000]) {
    it(`finds the files that differ and the files that are gone, reading nothing else (${minFiles === 1 ? 'worker thread' : 'main thread'})`, () => {
      const out = fresh();
      streamed(out, tree(300));
      writeFileSync(join(out, 'stray.yaml'), 'x');
      rmSync(join(out, 'tenants/tenant-t3/helmrelease-app-3.yaml'));
      const next = tree(320);
      next.set('tenants/tenant-t0/helmrelease-app-0.yaml', 'changed\n');
      next.delete('tenants/tenant-t1/helmrelease-app-1.yaml');
      const compare = new TreeCompare(out, minFiles, readManifest(out));
      try {
        for (const [p, c] of next) if (!p.endsWith('kustomization.yaml')) compare.add(p, c);
        const r = compare.finish([...next.keys()], lastOnes(next));
        const want = naive(out, next);
        expect({ differing: [...r.differing.keys()], missing: r.missing }).toEqual({ ...want, missing: want.missing.filter((p) => p !== 'stray.yaml' && p !== MANIFEST) });
        for (const [p, c] of r.differing) expect(c, p).toBe(next.get(p));
        expect(r.differing.has('tenants/tenant-t3/helmrelease-app-3.yaml')).toBe(true);
        expect(r.missing).toEqual(['tenants/tenant-t1/helmrelease-app-1.yaml']); // stray.yaml is not the tool's
      } finally {
        compare.close();
      }
      // A folder that does not exist: everything differs.
      const none = new TreeCompare(join(out, 'nothing'), minFiles);
      try {
        expect(none.finish([...next.keys()], next)).toEqual({ differing: new Map([...next].sort(([a], [b]) => (a < b ? -1 : 1))), missing: [] });
      } finally {
        none.close();
      }
    });
  }
});

// Where the writer's choice of threads can be seen on this machine, decided when the file loads so
// that a test name says when it cannot run here. Magic numbers from linux/magic.h.
const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;
const fsType = (dir: string): number | undefined => {
  try {
    return statfsSync(dir).type;
  } catch {
    return undefined;
  }
};
const MEMORY_DIR = ['/dev/shm', '/run'].find((d) => fsType(d) === TMPFS_MAGIC);
const DEVICE_DIR = [ws, process.cwd()].find((d) => ![undefined, TMPFS_MAGIC, RAMFS_MAGIC].includes(fsType(d)));

it.skipIf(!MEMORY_DIR)(`uses one writer thread on a file system in memory (${MEMORY_DIR ? `${MEMORY_DIR}, a real tmpfs` : 'SKIPPED: no tmpfs on /dev/shm or /run here'})`, () => {
  expect(writerThreads(MEMORY_DIR!)).toBe(1);
});

it.skipIf(!DEVICE_DIR)(`uses three writer threads on a device (${DEVICE_DIR ? `${DEVICE_DIR}, a real disk file system` : 'SKIPPED: the temporary folder and the working folder are both in memory here'})`, () => {
  expect(writerThreads(DEVICE_DIR!)).toBe(3);
});

it('uses what COZYSTACK_CDK8S_WRITER_THREADS says (1 to 8; anything else is ignored)', () => {
  const dir = MEMORY_DIR ?? DEVICE_DIR ?? ws;
  const natural = writerThreads(dir);
  try {
    for (const n of [1, 4, 8]) {
      process.env.COZYSTACK_CDK8S_WRITER_THREADS = String(n);
      expect(writerThreads(dir)).toBe(n);
    }
    for (const bad of ['0', '9', '2.5', 'many']) {
      process.env.COZYSTACK_CDK8S_WRITER_THREADS = bad;
      expect(writerThreads(dir), bad).toBe(natural);
    }
  } finally {
    delete process.env.COZYSTACK_CDK8S_WRITER_THREADS;
  }
});

describe('an output that holds files of the user\'s', () => {
  it('a journal whose staging folder is gone: the output stays as it is, missing entries come back from aside', async () => {
    const { recoverSwap } = await import('../lib/output/ownership.js');
    const out = fresh();
    streamed(out, tree(20), 1_000_000);
    writeFileSync(join(out, 'README.md'), 'mine\n');
    const parent = join(out, '..');
    // A run killed after moving kustomization.yaml aside, whose staging folder someone removed.
    mkdirSync(join(parent, '.out.old'));
    writeFileSync(join(parent, '.out.old', '.cozystack-cdk8s-aside'), '');
    const { renameSync } = await import('node:fs');
    renameSync(join(out, 'kustomization.yaml'), join(parent, '.out.old', 'kustomization.yaml'));
    writeFileSync(join(parent, '.out.swap'), JSON.stringify({ staging: '.out.new-1-1', entries: [{ name: 'README.md', hadOld: false, hasNew: true }, { name: 'kustomization.yaml', hadOld: true, hasNew: true }] }));
    recoverSwap(out);
    same(readTree(out), new Map([...tree(20), ['README.md', 'mine\n'] as [string, string]].sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(leftovers(out)).toEqual([]);
  });

  it('what a run killed while clearing the aside folder left: the tool\'s files go, a user\'s file made meanwhile comes back', async () => {
    const { recoverSwap } = await import('../lib/output/ownership.js');
    const out = fresh();
    const files = tree(20);
    streamed(out, files, 1_000_000);
    const parent = join(out, '..');
    mkdirSync(join(parent, '.out.old', 'tenants', 'tenant-t1'), { recursive: true });
    writeFileSync(join(parent, '.out.old', '.cozystack-cdk8s-aside'), '');
    writeFileSync(join(parent, '.out.old', MANIFEST), manifestText(['tenants/tenant-t1/old.yaml']));
    writeFileSync(join(parent, '.out.old', 'tenants', 'tenant-t1', 'old.yaml'), 'old\n'); // the tool's: removed
    writeFileSync(join(parent, '.out.old', 'tenants', 'tenant-t1', 'NOTES.md'), 'notes\n'); // the user's: back in place
    recoverSwap(out);
    expect(readTree(out).get('tenants/tenant-t1/NOTES.md')).toBe('notes\n');
    expect(readTree(out).has('tenants/tenant-t1/old.yaml')).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });
});

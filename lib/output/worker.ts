import { statfsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, type MessagePort, Worker } from 'node:worker_threads';

/**
 * The worker's code, plain CommonJS run with `eval` (so it works the same from the compiled
 * package, tsx and vitest). It either writes files under `staging` or compares them with the
 * files under `target` (keeping them, with `keep`, to write them all later on `writeKept`), one
 * batch at a time, and stops at the first error. On `sync` it reports how many compared files
 * differed (their paths, and with `report` their contents) and the error, if any, then wakes the
 * main thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname, join } = require('node:path');
const { staging, target, shared, port, keep, report } = workerData;
const state = new Int32Array(shared);
const dirs = new Set();
let differing = 0;
let differingFiles = []; // path, content, ... of the files that differ (with report)
let kept = []; // path, content, ... of the files compared (with keep), to write them if asked
let keptSame = []; // per kept file: the output already holds it (it is then linked, not written)
let error = null;
function fail(e) {
  error = { message: String(e && e.message), code: e && e.code, syscall: e && e.syscall, path: e && e.path, errno: e && e.errno };
}
// The path of a file in the staging folder, its folder made (once).
function staged(path) {
  const full = join(staging, path);
  const dir = dirname(full);
  if (!dirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    dirs.add(dir);
  }
  return full;
}
function write(path, content) {
  const full = staged(path);
  try {
    fs.writeFileSync(full, content);
  } catch (e) {
    if (e && e.path === undefined) e.path = full;
    throw e;
  }
}
function compare(path, content) {
  let current;
  try {
    current = fs.readFileSync(join(target, path), 'utf8');
  } catch (e) {
    if (!e || !['ENOENT', 'EISDIR', 'ENOTDIR'].includes(e.code)) throw e;
  }
  if (current !== content) {
    differing++;
    if (report) differingFiles.push(path, content);
  }
  if (keep) {
    kept.push(path, content);
    keptSame.push(current === content);
  }
}
// A file the output already holds goes into the staging folder as a hard link to it: no data is
// written (the output's name goes with the swap). Where links fail, it is written.
function link(path) {
  const full = staged(path);
  try {
    fs.linkSync(join(target, path), full);
    return true;
  } catch {
    return false;
  }
}
process.on('exit', () => {
  Atomics.store(state, 0, -1);
  Atomics.notify(state, 0);
});
parentPort.on('message', (m) => {
  if (m.type === 'files') {
    if (error || Atomics.load(state, 1)) return;
    const op = m.mode === 'write' ? write : compare;
    try {
      for (let i = 0; i < m.files.length && !Atomics.load(state, 1); i += 2) op(m.files[i], m.files[i + 1]);
    } catch (e) {
      fail(e);
    }
  } else if (m.type === 'writeKept') {
    if (error || Atomics.load(state, 1)) return;
    const files = kept;
    const same = keptSame;
    kept = [];
    keptSame = [];
    try {
      for (let i = 0; i < files.length && !Atomics.load(state, 1); i += 2) if (!(same[i / 2] && link(files[i]))) write(files[i], files[i + 1]);
    } catch (e) {
      fail(e);
    }
  } else if (m.type === 'sync') {
    port.postMessage({ differing, files: differingFiles, error });
    differing = 0;
    differingFiles = [];
    Atomics.store(state, 0, m.seq);
    Atomics.notify(state, 0);
  }
});
`;

/** What the worker reports on {@link BackgroundWriter.sync}. */
export interface BackgroundResult {
  /** Files compared since the last sync whose content differs from the target's (or that it lacks). */
  readonly differing: number;
  /** Their paths, in the order handed over (with the `report` option). */
  readonly paths: readonly string[];
  /** Their contents (with the `report` option), in the same order. */
  readonly contents: readonly string[];
  /** The first error, as a system error (code, syscall, path), if any. */
  readonly error?: NodeJS.ErrnoException;
}

/**
 * Files handed over before the file system work moves to a worker thread: below this, starting
 * the worker costs more than it saves. `COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES` changes it
 * (tests use 1).
 * @internal
 */
export function backgroundMinFiles(): number {
  const n = Number(process.env.COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES);
  return Number.isInteger(n) && n > 0 ? n : 500;
}

/** Files per message: large enough that messaging costs little, small enough to start early. */
const BATCH = 256;

/** One worker thread and its channel. */
class WriterThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0]: the last sync done (-1: the worker exited); [1]: 1 when the work is cancelled. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private batch: string[] = [];
  private seq = 0;

  constructor(
    staging: string,
    target: string,
    private readonly mode: 'write' | 'compare',
    options: { keep?: boolean; report?: boolean },
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { staging, target, shared: this.state.buffer, port: port2, keep: options.keep === true, report: options.report === true },
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
  }

  add(path: string, content: string): void {
    this.batch.push(path, content);
    if (this.batch.length >= BATCH * 2) this.flush();
  }

  writeKept(): void {
    this.flush();
    this.worker.postMessage({ type: 'writeKept' });
  }

  /** Asks for a report; `wait` then blocks until it is there. */
  requestSync(): number {
    this.flush();
    const seq = ++this.seq;
    this.worker.postMessage({ type: 'sync', seq });
    return seq;
  }

  wait(seq: number): BackgroundResult {
    for (let now = Atomics.load(this.state, 0); now !== seq; now = Atomics.load(this.state, 0)) {
      if (now === -1) throw new Error('the background writer stopped unexpectedly');
      Atomics.wait(this.state, 0, now, 1000);
    }
    const reply = receiveMessageOnPort(this.port)?.message as { differing: number; files: string[]; error: Record<string, unknown> | null } | undefined;
    if (!reply) throw new Error('the background writer did not report');
    const paths: string[] = [];
    const contents: string[] = [];
    for (let i = 0; i < reply.files.length; i += 2) {
      paths.push(reply.files[i]!);
      contents.push(reply.files[i + 1]!);
    }
    if (!reply.error) return { differing: reply.differing, paths, contents };
    const error: NodeJS.ErrnoException = new Error(String(reply.error.message));
    for (const k of ['code', 'syscall', 'path', 'errno'] as const) if (reply.error[k] !== undefined && reply.error[k] !== null) Object.assign(error, { [k]: reply.error[k] });
    return { differing: reply.differing, paths, contents, error };
  }

  /** Drops what is not done yet; the worker then touches no file any more once `wait` returns. */
  cancel(): void {
    this.batch = [];
    Atomics.store(this.state, 1, 1);
  }

  terminate(): void {
    void this.worker.terminate();
    this.port.close();
  }

  private flush(): void {
    if (!this.batch.length) return;
    this.worker.postMessage({ type: 'files', mode: this.mode, files: this.batch });
    this.batch = [];
  }
}

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/**
 * How many writer threads for an output under `dir`: on a file system in memory (tmpfs, ramfs)
 * file calls are work for the CPU, and one thread beside the main one uses the second core; on a
 * device, each file creation also waits for it (0.1-1 ms here), and three threads overlap those
 * waits (about twice as fast on this machine's virtual disk). `COZYSTACK_CDK8S_WRITER_THREADS`
 * sets the number (1-8).
 * @internal
 */
export function writerThreads(dir: string): number {
  const n = Number(process.env.COZYSTACK_CDK8S_WRITER_THREADS);
  if (Number.isInteger(n) && n >= 1 && n <= 8) return n;
  try {
    const type = statfsSync(dir).type;
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC ? 1 : 3;
  } catch {
    return 1;
  }
}

/** A small stable hash of a folder path, to give each folder to one thread. */
function folderHash(path: string): number {
  const end = path.lastIndexOf('/');
  let h = 0;
  for (let i = 0; i < end; i++) h = (h * 31 + path.charCodeAt(i)) | 0;
  return h >>> 0;
}

/**
 * Worker threads that write (or compare) files while the main thread goes on making them: on a
 * 2-core machine the file system calls then cost almost no wall time. Each folder's files go to
 * one thread. `sync` blocks until the threads have done everything handed over (synchronously:
 * `Atomics.wait`), so the callers stay synchronous.
 * @internal
 */
export class BackgroundWriter {
  private readonly threads: WriterThread[];

  /**
   * `staging`: folder files are written under; `target`: folder files are compared with. In
   * compare mode, `keep` keeps the files to write them with {@link writeKept}, and `report`
   * returns the contents of those that differ. `threads`: how many worker threads.
   */
  constructor(staging: string, target: string, mode: 'write' | 'compare', options: { keep?: boolean; report?: boolean; threads?: number } = {}) {
    const n = Math.max(1, Math.min(8, Math.floor(options.threads ?? 1)));
    this.threads = Array.from({ length: n }, () => new WriterThread(staging, target, mode, options));
  }

  /** Hands one file over. */
  add(path: string, content: string): void {
    const t = this.threads.length === 1 ? this.threads[0]! : this.threads[folderHash(path) % this.threads.length]!;
    t.add(path, content);
  }

  /** Writes every file compared so far (kept with the `keep` option) under `staging`. */
  writeKept(): void {
    for (const t of this.threads) t.writeKept();
  }

  /** Waits until every file handed over is done; the threads' reports together (the first error). */
  sync(): BackgroundResult {
    const seqs = this.threads.map((t) => t.requestSync());
    const results = this.threads.map((t, i) => t.wait(seqs[i]!));
    const error = results.find((r) => r.error)?.error;
    return {
      differing: results.reduce((n, r) => n + r.differing, 0),
      paths: results.flatMap((r) => r.paths),
      contents: results.flatMap((r) => r.contents),
      ...(error ? { error } : {}),
    };
  }

  /** Stops the threads: what they have not done yet is dropped; returns once they touch no file any more. */
  close(): void {
    for (const t of this.threads) t.cancel();
    try {
      this.sync();
    } catch {
      // a thread stopped already
    }
    for (const t of this.threads) t.terminate();
  }
}

/**
 * Files handed over before the whole tree is known (TreeWrite, TreeCompare): kept here until there
 * are `minFiles` of them, then given to the worker threads `start` makes, and every later file
 * straight to them.
 * @internal
 */
export class EarlyFiles {
  private pending: [string, string][] = [];
  private readonly handed = new Set<string>();
  private writer?: BackgroundWriter;

  constructor(
    private readonly minFiles: number,
    private readonly start: () => BackgroundWriter,
  ) {}

  /** The worker threads, once started. */
  get worker(): BackgroundWriter | undefined {
    return this.writer;
  }

  /** Hands one file over. */
  add(path: string, content: string): void {
    if (this.writer) {
      this.writer.add(path, content);
      this.handed.add(path);
      return;
    }
    this.pending.push([path, content]);
    if (this.pending.length < this.minFiles) return;
    this.writer = this.start();
    for (const [p, c] of this.pending) {
      this.writer.add(p, c);
      this.handed.add(p);
    }
    this.pending = [];
  }

  /** True when the file went to the worker threads. */
  handedOver(path: string): boolean {
    return this.handed.has(path);
  }

  /** The files kept here (none once the threads started), forgotten here. */
  takePending(): [string, string][] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  /** Stops the threads, forgets the files. */
  close(): void {
    this.pending = [];
    this.writer?.close();
    this.writer = undefined;
  }
}

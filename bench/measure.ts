import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (the folder above bench/). */
export const ROOT = resolve(import.meta.dirname, '..');
/** GNU time, which reports a child's peak RSS. */
const GNU_TIME = '/usr/bin/time';
/** Preload that records a node process's peak RSS when /usr/bin/time is missing. */
const RSS_PROBE = join(import.meta.dirname, 'rss-probe.mjs');

/** How the command line is run. */
export interface Runner {
  /** `build` (node build/cli/cozystack-cdk8s.cjs) or `tsx` (node_modules/.bin/tsx lib/cli/main.ts). */
  readonly name: 'build' | 'tsx';
  /** The command, before the command line's own arguments. */
  readonly command: readonly string[];
}

/** The package's command line (its bin): the bundle `npm run build` makes. */
export const CLI_BUNDLE = join('build', 'cli', 'cozystack-cdk8s.cjs');

/** The compiled command line (what users run: the bin bundle), when `<root>/build/cli/cozystack-cdk8s.cjs` exists. */
export function buildRunner(root: string = ROOT): Runner | undefined {
  const main = join(root, CLI_BUNDLE);
  return existsSync(main) ? { name: 'build', command: [process.execPath, main] } : undefined;
}


/**
 * A private copy of `build/` (with `schemas/`), so that every scenario measures the same compiled
 * code even when someone rebuilds the working tree meanwhile. It lives under
 * `node_modules/.cache/` so that the package's dependencies resolve from it. Returns its root
 * (pass it to {@link buildRunner}), or undefined when there is no build.
 */
export function snapshotBuild(): string | undefined {
  if (!existsSync(join(ROOT, CLI_BUNDLE))) return undefined;
  const parent = join(ROOT, 'node_modules', '.cache', 'cozystack-bench');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'build-'));
  cpSync(join(ROOT, 'build'), join(dir, 'build'), { recursive: true });
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  // node_modules is a package-scope boundary: say again that these files are ES modules.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  return dir;
}

/** The command line from the sources through tsx (about 0.4 s more start-up). */
export function tsxRunner(): Runner {
  return { name: 'tsx', command: [join(ROOT, 'node_modules', '.bin', 'tsx'), join(ROOT, 'lib', 'cli', 'main.ts')] };
}

/** One measured process. */
export interface ProcessFigures {
  /** Whole-process wall time, seconds (spawn to exit, measured by the parent). */
  readonly wallS: number;
  /** Peak resident set size, MiB (0 when it could not be measured). */
  readonly rssMiB: number;
  /** User CPU seconds (0 when unknown). */
  readonly userS: number;
  /** System CPU seconds (0 when unknown). */
  readonly sysS: number;
  /** Exit code. */
  readonly code: number;
  /** The command's stdout (its summary line). */
  readonly stdout: string;
  /** The command's own stderr (GNU time's report removed). */
  readonly stderr: string;
}

/**
 * Runs a command to completion and measures it: wall time from the parent, peak RSS and CPU time
 * from GNU time (`/usr/bin/time -v`, largest RSS among the process and the children it waited
 * for), or from a preloaded probe when GNU time is missing. Runs `sync` first (not timed).
 */
export function measureProcess(command: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProcessFigures {
  // Flush what earlier steps left to write back, so that it is not charged to this process.
  spawnSync('sync');
  const useTime = existsSync(GNU_TIME);
  let probeDir: string | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!useTime) {
    probeDir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
    env.BENCH_RSS_FILE = join(probeDir, 'rss');
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${RSS_PROBE}`.trim();
  }
  const argv = useTime ? [GNU_TIME, '-v', ...command] : [...command];
  const started = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallS = (performance.now() - started) / 1000;
  if (r.error) throw r.error;
  let stderr = r.stderr ?? '';
  let rssKiB = 0;
  let userS = 0;
  let sysS = 0;
  let code = r.status ?? 1;
  if (useTime) {
    const at = stderr.lastIndexOf('\tCommand being timed:');
    const report = at >= 0 ? stderr.slice(at) : '';
    stderr = at >= 0 ? stderr.slice(0, at).replace(/Command exited with non-zero status \d+\n$/, '') : stderr;
    rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? 0);
    userS = Number(/User time \(seconds\): ([\d.]+)/.exec(report)?.[1] ?? 0);
    sysS = Number(/System time \(seconds\): ([\d.]+)/.exec(report)?.[1] ?? 0);
    const exit = /Exit status: (\d+)/.exec(report);
    if (exit) code = Number(exit[1]);
  } else if (probeDir) {
    const file = join(probeDir, 'rss');
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const [rss, user, sys] = line.split(' ').map(Number);
        if (rss! > rssKiB) rssKiB = rss!;
        userS += user!;
        sysS += sys!;
      }
    }
    rmSync(probeDir, { recursive: true, force: true });
  }
  return { wallS, rssMiB: rssKiB / 1024, userS, sysS, code, stdout: r.stdout ?? '', stderr };
}

/** What a folder holds. */
export interface TreeFigures {
  /** Files. */
  readonly files: number;
  /** YAML files (objects and kustomization.yaml files): what the floor re-emits. */
  readonly yamlFiles: number;
  /** Object files (every YAML file but the kustomization.yaml files: one object per file). */
  readonly objects: number;
  /** Bytes of all files. */
  readonly bytes: number;
}

/** Counts the files, objects and bytes under a folder. */
export function walkTree(dir: string): TreeFigures {
  let files = 0;
  let yamlFiles = 0;
  let objects = 0;
  let bytes = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        files++;
        if (e.name.endsWith('.yaml')) {
          yamlFiles++;
          if (e.name !== 'kustomization.yaml') objects++;
        }
        bytes += statSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, yamlFiles, objects, bytes };
}

/** Relative paths of every file under a folder, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out.sort();
}

/** Result of comparing two output trees. */
export interface TreeComparison {
  /** True when both hold the same paths with the same bytes. */
  readonly identical: boolean;
  /** Files compared (the union of both trees). */
  readonly files: number;
  /** Up to 10 paths that differ (missing on one side or different bytes). */
  readonly differences: readonly string[];
}

/** Compares two folders file by file, byte for byte. */
export function compareTrees(a: string, b: string): TreeComparison {
  const left = listFiles(a);
  const right = new Set(listFiles(b));
  const differences: string[] = [];
  let count = 0;
  for (const p of left) {
    if (!right.has(p)) differences.push(`only in ${a}: ${p}`);
    else if (!readFileSync(join(a, p)).equals(readFileSync(join(b, p)))) differences.push(`differs: ${p}`);
    right.delete(p);
    count++;
  }
  for (const p of right) {
    differences.push(`only in ${b}: ${p}`);
    count++;
  }
  return { identical: differences.length === 0, files: count, differences: differences.slice(0, 10) };
}

/** Median of numbers (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

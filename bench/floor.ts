/**
 * The serialization floor of an output folder, measured in a child process of its own:
 * reads every file once and parses it (not timed; js-yaml, about 8x faster than the `yaml`
 * package here, which took 146 s on L-explicit's 338,000 files), then times only the emitting of
 * the same objects: the library's emitter (`toYaml`), `JSON.stringify`, and the `yaml` package's
 * `stringify` for reference. Every file is re-emitted once before timing and compared with what
 * synth wrote (`emitMismatches`), so the floor serializes exactly the objects synth serialized;
 * that pass also warms the emitter up, so the floor is the warm emitter. Last, the same files are
 * written into a new folder and removed again, timed once: the file system's share.
 *
 * As a child: `tsx bench/floor.ts OUTDIR REPS YAML_REPS EMITTER_MODULE` prints a FloorFigures JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import jsyaml from 'js-yaml';
import { stringify } from 'yaml';
import { median, ROOT } from './measure.js';

/** Floor figures of one output folder. */
export interface FloorFigures {
  /** Objects emitted (every file of the folder, kustomization.yaml files included). */
  readonly objects: number;
  /** Bytes of the files read. */
  readonly bytes: number;
  /** Seconds to read and parse them (not part of any floor). */
  readonly loadS: number;
  /** The library's emitter alone: median seconds over the repetitions. The floor. */
  readonly emitS: number;
  /** Every repetition of the emitter, seconds, first (cold) first. */
  readonly emitRuns: readonly number[];
  /** Characters the emitter produced. */
  readonly emitChars: number;
  /** Files whose re-emitted text differs from the file (0 when the floor redoes exactly the output). */
  readonly emitMismatches: number;
  /** `JSON.stringify`: median seconds. */
  readonly jsonS: number;
  /** `yaml` package `stringify` (cdk8s' options but the version): median seconds; null when skipped. */
  readonly yamlS: number | null;
  /**
   * Seconds to write the same files into a new folder (mkdir per folder, writeFileSync per file):
   * what the file system costs on this machine, whatever the library does. One run.
   */
  readonly writeS: number;
  /** Seconds to remove that folder again (what replacing a previous output costs). One run. */
  readonly removeS: number;
  /** Which emitter module was timed. */
  readonly emitter: string;
}

/** Options of {@link measureFloor}. */
export interface FloorOptions {
  /** Repetitions of the emitter and of JSON.stringify. @default 3 */
  readonly reps?: number;
  /**
   * Repetitions of `yaml` stringify (slow at scale; 0 skips it).
   * @default 3; 1 above 20,000 objects; skipped above 100,000 (384 s on L-explicit's 338,000)
   */
  readonly yamlReps?: number;
}

/** The emitter module of a compiled tree (its root holds build/), or the source one. */
export function emitterModule(buildRoot?: string): string {
  const built = buildRoot ? join(buildRoot, 'build', 'lib', 'output', 'yaml-emitter.js') : undefined;
  return built && existsSync(built) ? built : join(ROOT, 'lib', 'output', 'yaml-emitter.ts');
}

/** Measures the floor of an output folder in a child process (through tsx). */
export function measureFloor(outDir: string, emitter: string, options: FloorOptions = {}): FloorFigures {
  const reps = options.reps ?? 3;
  const yamlReps = options.yamlReps ?? -1;
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(import.meta.dirname, 'floor.ts'), outDir, String(reps), String(yamlReps), emitter], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`floor child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as FloorFigures;
}

/** Every YAML file under a folder: relative path and text, in path order. */
function readAll(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.yaml')) out.push([p, readFileSync(join(dir, p), 'utf8')]);
    }
  };
  walk('');
  return out;
}

/** Writes the files into a new folder (a folder created once, then one writeFileSync per file), timed. */
function writeAll(dir: string, files: readonly [string, string][]): number {
  const t0 = performance.now();
  const made = new Set<string>();
  for (const [p, text] of files) {
    const d = dirname(join(dir, p));
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    writeFileSync(join(dir, p), text);
  }
  return (performance.now() - t0) / 1000;
}

function time(reps: number, f: () => number): { runs: number[]; bytes: number } {
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    bytes = f();
    runs.push((performance.now() - t0) / 1000);
  }
  return { runs, bytes };
}

async function child(argv: string[]): Promise<void> {
  const [outDir, repsArg, yamlRepsArg, emitterPath] = argv;
  const { toYaml } = (await import(pathToFileURL(emitterPath!).href)) as { toYaml: (v: unknown) => string };
  const t0 = performance.now();
  const files = readAll(outDir!);
  const texts = files.map(([, t]) => t);
  const objects = texts.map((t) => jsyaml.load(t));
  const loadS = (performance.now() - t0) / 1000;
  const reps = Number(repsArg);
  const yamlReps = Number(yamlRepsArg) >= 0 ? Number(yamlRepsArg) : objects.length > 100_000 ? 0 : objects.length > 20_000 ? 1 : reps;
  let mismatches = 0;
  texts.forEach((t, i) => {
    if (toYaml(objects[i]) !== t) mismatches++;
  });
  const emit = time(reps, () => {
    let n = 0;
    for (const o of objects) n += toYaml(o).length;
    return n;
  });
  const json = time(reps, () => {
    let n = 0;
    for (const o of objects) n += JSON.stringify(o).length;
    return n;
  });
  const yaml = time(yamlReps, () => {
    let n = 0;
    for (const o of objects) n += stringify(o, { lineWidth: 0 }).length;
    return n;
  });
  // The file system's share: the same files written into a new folder, then that folder removed.
  const scratch = `${outDir!}.floor-write`;
  rmSync(scratch, { recursive: true, force: true });
  spawnSync('sync');
  const writeS = writeAll(scratch, files);
  const t1 = performance.now();
  rmSync(scratch, { recursive: true, force: true });
  const removeS = (performance.now() - t1) / 1000;
  const figures: FloorFigures = {
    objects: objects.length,
    bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
    loadS,
    emitS: median(emit.runs),
    emitRuns: emit.runs,
    emitChars: emit.bytes,
    emitMismatches: mismatches,
    jsonS: median(json.runs),
    yamlS: yaml.runs.length ? median(yaml.runs) : null,
    writeS,
    removeS,
    emitter: emitterPath!,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await child(process.argv.slice(2));
}

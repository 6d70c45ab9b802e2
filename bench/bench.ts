import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { emitterModule, type FloorFigures, measureFloor } from './floor.js';
import { buildRunner, compareTrees, snapshotBuild, measureProcess, median, type ProcessFigures, ROOT, type Runner, type TreeComparison, type TreeFigures, tsxRunner, walkTree } from './measure.js';
import { DEFAULT_SELECTION, DEFAULT_SIZES, type ScenarioInputs, type ScenarioSpec, selectScenarios, type Sizes, writeInputs } from './scenarios.js';

/** A synth measured over one or more runs. */
export interface SynthFigures {
  /** The runner: `build` (compiled, the main figure) or `tsx`. */
  readonly runner: Runner['name'];
  /** Median wall seconds over the runs. */
  readonly wallS: number;
  /** Median peak RSS, MiB. */
  readonly rssMiB: number;
  /** Median user + system CPU seconds. */
  readonly cpuS: number;
  /** Every run's wall seconds. */
  readonly wallRuns: readonly number[];
  /** Every run's peak RSS, MiB. */
  readonly rssRuns: readonly number[];
  /** The command's summary line (last run). */
  readonly summary: string;
  /** Exit code (last run). */
  readonly code: number;
}

/** One target checked. */
export interface TargetCheck {
  /** What was checked, e.g. `synth wall < 1 s`. */
  readonly what: string;
  /** The measured value. */
  readonly value: number;
  /** The limit. */
  readonly limit: number;
  /** Met or not. */
  readonly ok: boolean;
}

/** Everything measured for one scenario. */
export interface ScenarioResult {
  readonly name: string;
  readonly bundle: string;
  readonly tenants: number;
  readonly apps: number;
  readonly tenantRendering: 'release' | 'explicit';
  readonly tenantsPerChart?: number;
  /** The input: documents, files, bytes. */
  readonly input: { readonly documents: number; readonly files: number; readonly bytes: number };
  /** First synth into an empty folder, with the main runner (compiled when available). */
  readonly synth: SynthFigures;
  /** The same through tsx, when measured. */
  readonly synthTsx?: SynthFigures;
  /** A second synth on unchanged input into the same folder. */
  readonly second?: SynthFigures & { readonly changed: number | undefined };
  /** `diff` right after synth (exit 0 expected). */
  readonly diff?: SynthFigures;
  /** What was written. */
  readonly output: TreeFigures;
  /** Warnings the command printed (app values the chart does not know, ...). */
  readonly warnings: number;
  /** The serialization floor of the same objects. */
  readonly floor: FloorFigures;
  /** Synth wall time over the floor (emitter alone). The figure that holds across machines. */
  readonly ratioToFloor: number;
  /** (Synth wall time minus start-up) over the floor: the same without the fixed cost. */
  readonly workRatioToFloor: number;
  /** Same-bytes check against another scenario's output (grouping). */
  readonly sameOutput?: TreeComparison & { readonly as: string };
  /** Wall time ratio to another scenario (and CPU time ratio, steadier on a busy machine). */
  readonly ratioTo?: { readonly scenario: string; readonly ratio: number; readonly cpuRatio: number };
  /** Targets checked. */
  readonly targets: readonly TargetCheck[];
  /** Target label for the table. */
  readonly targetLabel?: string;
}

/** The whole run. */
export interface BenchResult {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number; readonly node: string; readonly platform: string };
  /** Folder the inputs and outputs were written to (its file system matters: see docs/benchmark.md). */
  readonly workDir: string;
  readonly date: string;
  /** Runners used: main (compiled when available) and whether tsx was measured too. */
  readonly runner: Runner['name'];
  readonly tsx: boolean;
  /** `npm run build` exit code (undefined when not run). */
  readonly buildCode?: number;
  /** Start-up of the main runner: \`bundles\` (loads every module, synthesizes nothing), median of 3. */
  readonly startup: { readonly wallS: number; readonly rssMiB: number };
  readonly scenarios: readonly ScenarioResult[];
  /** Problems met (failed commands, different outputs, ...). Empty when all went well. */
  readonly failures: readonly string[];
}

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Scenarios to run. @default the default selection (S, M, L) */
  readonly scenarios?: readonly ScenarioSpec[];
  /** Run `npm run build` first and measure the compiled command line. @default true */
  readonly build?: boolean;
  /** Also measure synth through tsx. @default true */
  readonly tsx?: boolean;
  /** Runs of the first synth per scenario. @default 3 below 20,000 documents, else 1 */
  readonly repeat?: number;
  /** Measure the second run and diff. @default true */
  readonly secondRunAndDiff?: boolean;
  /** Repetitions inside the floor child. @default 3 */
  readonly floorReps?: number;
  /** Folder for inputs and outputs. @default a new temp folder, removed at the end */
  readonly workDir?: string;
  /** Keep the work folder. @default false */
  readonly keep?: boolean;
  /** Make the temp work folder on tmpfs (/dev/shm): the library's cost without the disk's. @default false */
  readonly tmpfs?: boolean;
  /** Progress lines. @default nothing */
  readonly log?: (line: string) => void;
}

function synthFigures(runner: Runner['name'], runs: readonly ProcessFigures[]): SynthFigures {
  const last = runs[runs.length - 1]!;
  return {
    runner,
    wallS: median(runs.map((r) => r.wallS)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
    cpuS: median(runs.map((r) => r.userS + r.sysS)),
    wallRuns: runs.map((r) => r.wallS),
    rssRuns: runs.map((r) => r.rssMiB),
    summary: last.stdout.trim().split('\n').pop() ?? '',
    code: last.code,
  };
}

/** Runs the benchmark and returns every figure. Nothing is asserted: failures are listed. */
export function runBench(options: BenchOptions = {}): BenchResult {
  const log = options.log ?? (() => {});
  const scenarios = options.scenarios ?? selectScenarios(DEFAULT_SELECTION);
  const failures: string[] = [];
  let buildCode: number | undefined;
  if (options.build ?? true) {
    log('npm run build ...');
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    buildCode = r.status ?? 1;
    if (buildCode !== 0) failures.push(`npm run build exited ${buildCode}: ${(r.stdout + r.stderr).trim().split('\n').slice(0, 5).join(' | ')}`);
  }
  const snapshot = options.build ?? true ? snapshotBuild() : undefined;
  const compiled = snapshot ? buildRunner(snapshot) : undefined;
  const main = compiled ?? tsxRunner();
  const withTsx = (options.tsx ?? true) && main.name !== 'tsx';
  const tempParent = options.tmpfs ? '/dev/shm' : tmpdir();
  if (options.tmpfs && !existsSync(tempParent)) throw new Error('--tmpfs: /dev/shm does not exist on this machine');
  const work = options.workDir ?? mkdtempSync(join(tempParent, 'cozystack-bench-'));
  mkdirSync(work, { recursive: true });
  const results: ScenarioResult[] = [];
  const inputsByShape = new Map<string, ScenarioInputs>();
  const outDirs = new Map<string, string>();
  let startup = { wallS: 0, rssMiB: 0 };
  try {
    const startupRuns = [0, 1, 2].map(() => measureProcess([...main.command, 'bundles']));
    startup = { wallS: median(startupRuns.map((r) => r.wallS)), rssMiB: median(startupRuns.map((r) => r.rssMiB)) };
    log(`start-up (${main.name}, 'bundles'): ${startup.wallS.toFixed(2)} s, ${startup.rssMiB.toFixed(0)} MiB`);
    for (const s of scenarios) {
      const dir = join(work, s.name);
      const shape = `${s.bundle}/${s.tenants}/${s.apps}/${s.seed ?? ''}/${s.docsPerFile ?? ''}`;
      log(`${s.name}: writing input (${s.tenants} tenants, ${s.apps} apps)`);
      const inputs = writeInputs(join(dir, 'input'), s, inputsByShape.get(shape));
      if (!inputsByShape.has(shape)) inputsByShape.set(shape, inputs);
      // Each output folder has a parent of its own: the atomic writer stages beside it.
      const out = join(dir, 'out', 'dist');
      const flags = [...inputs.args, '--out', out, ...(s.tenantRendering === 'explicit' ? ['--tenant-rendering', 'explicit'] : [])];
      const repeat = options.repeat ?? (s.tenants + s.apps > 20_000 ? 1 : 3);
      const first: ProcessFigures[] = [];
      for (let i = 0; i < repeat; i++) {
        rmSync(join(dir, 'out'), { recursive: true, force: true });
        const r = measureProcess([...main.command, 'synth', ...flags]);
        log(`${s.name}: synth (${main.name}) ${r.wallS.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB, exit ${r.code}`);
        first.push(r);
        if (r.code !== 0) {
          failures.push(`${s.name}: synth exited ${r.code}: ${r.stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
          break;
        }
      }
      const synth = synthFigures(main.name, first);
      const warnings = first[0]!.stderr.split('\n').filter((l) => l.startsWith('warning:')).length;
      if (synth.code !== 0) continue;
      let second: ScenarioResult['second'];
      let diff: ScenarioResult['diff'];
      if (options.secondRunAndDiff ?? true) {
        const r2 = measureProcess([...main.command, 'synth', ...flags]);
        const changed = /, (\d+) changed/.exec(r2.stdout)?.[1];
        second = { ...synthFigures(main.name, [r2]), changed: changed === undefined ? undefined : Number(changed) };
        log(`${s.name}: second synth ${r2.wallS.toFixed(2)} s, ${r2.rssMiB.toFixed(0)} MiB, ${changed ?? '?'} changed`);
        if (r2.code !== 0) failures.push(`${s.name}: second synth exited ${r2.code}: ${r2.stderr.trim().split('\n')[0]}`);
        else if (second.changed !== 0) failures.push(`${s.name}: second synth on unchanged input changed ${changed ?? '?'} files`);
        const d = measureProcess([...main.command, 'diff', ...flags]);
        diff = synthFigures(main.name, [d]);
        log(`${s.name}: diff ${d.wallS.toFixed(2)} s, ${d.rssMiB.toFixed(0)} MiB, exit ${d.code}`);
        if (d.code !== 0) failures.push(`${s.name}: diff right after synth exited ${d.code} (0 expected): ${(d.stdout.trim().split('\n').pop() ?? '') + d.stderr.trim().split('\n')[0]}`);
      }
      let synthTsx: SynthFigures | undefined;
      if (withTsx) {
        const tsxOut = join(dir, 'out-tsx', 'dist');
        rmSync(join(dir, 'out-tsx'), { recursive: true, force: true });
        const tsxFlags = flags.map((f) => (f === out ? tsxOut : f));
        const r = measureProcess([...tsxRunner().command, 'synth', ...tsxFlags]);
        synthTsx = synthFigures('tsx', [r]);
        log(`${s.name}: synth (tsx) ${r.wallS.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB`);
        if (r.code !== 0) failures.push(`${s.name}: synth through tsx exited ${r.code}`);
        rmSync(join(dir, 'out-tsx'), { recursive: true, force: true });
      }
      const output = walkTree(out);
      log(`${s.name}: floor of ${output.files} files ...`);
      const floor = measureFloor(out, emitterModule(compiled ? snapshot : undefined), { ...(options.floorReps ? { reps: options.floorReps } : {}) });
      log(`${s.name}: floor toYaml ${floor.emitS.toFixed(3)} s, yaml ${floor.yamlS?.toFixed(3) ?? '-'} s (load ${floor.loadS.toFixed(1)} s)`);
      if (floor.emitMismatches) failures.push(`${s.name}: the emitter re-emits ${floor.emitMismatches} files differently from what synth wrote`);
      const ratioToFloor = synth.wallS / floor.emitS;
      const workRatioToFloor = Math.max(0, synth.wallS - startup.wallS) / floor.emitS;
      let sameOutput: ScenarioResult['sameOutput'];
      if (s.sameOutputAs) {
        const other = outDirs.get(s.sameOutputAs);
        if (other) {
          sameOutput = { ...compareTrees(other, out), as: s.sameOutputAs };
          if (!sameOutput.identical) failures.push(`${s.name}: output differs from ${s.sameOutputAs}'s: ${sameOutput.differences.slice(0, 3).join('; ')}`);
        }
      }
      outDirs.set(s.name, out);
      const targets: TargetCheck[] = [];
      const t = s.targets;
      let ratioTo: ScenarioResult['ratioTo'];
      if (t?.ratioTo) {
        const base = results.find((x) => x.name === t.ratioTo!.scenario);
        if (base) {
          ratioTo = { scenario: base.name, ratio: synth.wallS / base.synth.wallS, cpuRatio: synth.cpuS / base.synth.cpuS };
          targets.push({ what: `wall ≤ ${t.ratioTo.max} × ${base.name}`, value: ratioTo.ratio, limit: t.ratioTo.max, ok: ratioTo.ratio <= t.ratioTo.max });
        }
      }
      const runs: [string, SynthFigures | undefined][] = [['synth', synth], ['second run', second], ['diff', diff]];
      for (const [what, f] of runs) {
        if (!f) continue;
        if (t?.wallS !== undefined) targets.push({ what: `${what} wall < ${t.wallS} s`, value: f.wallS, limit: t.wallS, ok: f.wallS < t.wallS });
        if (t?.rssMiB !== undefined) targets.push({ what: `${what} RSS < ${t.rssMiB} MiB`, value: f.rssMiB, limit: t.rssMiB, ok: f.rssMiB < t.rssMiB });
      }
      results.push({
        name: s.name,
        bundle: s.bundle,
        tenants: s.tenants,
        apps: s.apps,
        tenantRendering: s.tenantRendering ?? 'release',
        ...(s.tenantsPerChart !== undefined ? { tenantsPerChart: s.tenantsPerChart } : {}),
        input: { documents: inputs.documents, files: inputs.files, bytes: inputs.bytes },
        synth,
        ...(synthTsx ? { synthTsx } : {}),
        ...(second ? { second } : {}),
        ...(diff ? { diff } : {}),
        output,
        warnings,
        floor,
        ratioToFloor,
        workRatioToFloor,
        ...(sameOutput ? { sameOutput } : {}),
        ...(ratioTo ? { ratioTo } : {}),
        targets,
        ...(t ? { targetLabel: t.label } : {}),
      });
      // Outputs other scenarios compare with are kept until the end; the rest go now.
      if (!scenarios.some((x) => x.sameOutputAs === s.name)) rmSync(join(dir, 'out'), { recursive: true, force: true });
    }
  } finally {
    if (!options.keep && !options.workDir) rmSync(work, { recursive: true, force: true });
    if (snapshot) rmSync(snapshot, { recursive: true, force: true });
  }
  const c = cpus();
  return {
    machine: { cpus: c.length, cpuModel: c[0]?.model ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
    workDir: work,
    date: new Date().toISOString(),
    runner: main.name,
    tsx: withTsx,
    ...(buildCode !== undefined ? { buildCode } : {}),
    startup,
    scenarios: results,
    failures,
  };
}

const s2 = (x: number | undefined): string => (x === undefined ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const mib = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(0));

/** The results as a Markdown table, a targets list and a closing line of ratios to the floor. */
export function formatResult(r: BenchResult): string {
  const lines: string[] = [];
  const n = (x: number): string => x.toLocaleString('en');
  lines.push(
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, node ${r.machine.node}; main runner: ${r.runner === 'build' ? 'compiled (node build/cli/cozystack-cdk8s.cjs, the package bin)' : 'tsx (lib/cli/main.ts)'}; start-up (\`bundles\`) ${r.startup.wallS.toFixed(2)} s / ${r.startup.rssMiB.toFixed(0)} MiB; output under ${r.workDir}`,
  );
  lines.push('');
  lines.push(`| scenario | tenants | apps | objects | files | MiB written | synth s | peak MiB | CPU s |${r.tsx ? ' tsx s |' : ''} 2nd run s / MiB | diff s / MiB (exit) | target | met |`);
  lines.push(`|---|--:|--:|--:|--:|--:|--:|--:|--:|${r.tsx ? '--:|' : ''}--:|--:|---|---|`);
  for (const s of r.scenarios) {
    const met = s.targets.length ? (s.targets.every((t) => t.ok) ? 'yes' : 'no') : '-';
    const same = s.sameOutput ? (s.sameOutput.identical ? `; same bytes as ${s.sameOutput.as}` : `; DIFFERS from ${s.sameOutput.as}`) : '';
    const rel = s.ratioTo ? `; measured ${s.ratioTo.ratio.toFixed(2)} × ${s.ratioTo.scenario} (CPU ${s.ratioTo.cpuRatio.toFixed(2)} ×)` : '';
    const cells = [
      `${s.name}${s.tenantsPerChart ? ` (${s.tenantsPerChart}/chart)` : ''}`,
      n(s.tenants),
      n(s.apps),
      n(s.output.objects),
      n(s.output.files),
      (s.output.bytes / 2 ** 20).toFixed(1),
      s2(s.synth.wallS),
      mib(s.synth.rssMiB),
      s2(s.synth.cpuS),
      ...(r.tsx ? [s2(s.synthTsx?.wallS)] : []),
      s.second ? `${s2(s.second.wallS)} / ${mib(s.second.rssMiB)}` : '-',
      s.diff ? `${s2(s.diff.wallS)} / ${mib(s.diff.rssMiB)} (${s.diff.code})` : '-',
      `${s.targetLabel ?? '-'}${rel}${same}`,
      met,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('| scenario | floor: toYaml s | yaml s | JSON s | write files s | remove files s | synth / floor | (synth − start-up) / floor | synth / (floor + write) |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const s of r.scenarios) {
    const f = s.floor;
    const cells = [
      s.name,
      f.emitS.toFixed(3),
      s2(f.yamlS ?? undefined),
      f.jsonS.toFixed(3),
      s2(f.writeS),
      s2(f.removeS),
      `${s.ratioToFloor.toFixed(1)}×`,
      `${s.workRatioToFloor.toFixed(1)}×`,
      `${(s.synth.wallS / (f.emitS + f.writeS)).toFixed(1)}×`,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const missed = r.scenarios.flatMap((s) => s.targets.filter((t) => !t.ok).map((t) => `${s.name}: ${t.what} (measured ${t.value.toFixed(2)})`));
  lines.push('');
  lines.push(missed.length ? `targets missed:\n${missed.map((m) => `  - ${m}`).join('\n')}` : 'targets: all met');
  if (r.failures.length) lines.push(`failures:\n${r.failures.map((f) => `  - ${f}`).join('\n')}`);
  lines.push('');
  lines.push(`synth / serialization floor: ${r.scenarios.map((s) => `${s.name} ${s.ratioToFloor.toFixed(1)}×`).join(', ')}`);
  return lines.join('\n');
}

/** Command-line options of `npm run bench`. */
export interface BenchArgs {
  readonly selection: string[];
  readonly json?: string;
  readonly options: Omit<BenchOptions, 'scenarios' | 'log'>;
  readonly sizes: Sizes;
  readonly help: boolean;
}

/** Usage of `npm run bench`. */
export const USAGE = `usage: npm run bench -- [--scenarios S,M,L] [--json FILE] [options]

  --scenarios LIST   S (the four bundles alone), M (M and M-grouped), L (L and L-explicit),
                     or exact names: S-paas-full, M-grouped, L-explicit, L-grouped, ... (default S,M,L)
  --json FILE        also write the results as JSON
  --repeat N         runs of the first synth per scenario (default 3, 1 for L)
  --m T:A            tenants and apps of M (default ${DEFAULT_SIZES.m.tenants}:${DEFAULT_SIZES.m.apps})
  --l T:A            tenants and apps of L (default ${DEFAULT_SIZES.l.tenants}:${DEFAULT_SIZES.l.apps})
  --no-build         skip npm run build; measure through tsx only
  --no-tsx           do not also measure synth through tsx
  --no-second        skip the second run and diff
  --floor-reps N     repetitions of each emitter in the floor child (default 3)
  --work DIR         folder for inputs and outputs (kept); default a temp folder, removed
  --keep             keep the temp folder
  --tmpfs            make the temp folder on /dev/shm: measures the library without the disk
`;

/** Parses `npm run bench` arguments. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let selection = [...DEFAULT_SELECTION];
  let json: string | undefined;
  const options: { -readonly [K in keyof BenchArgs['options']]: BenchArgs['options'][K] } = {};
  let sizes: Sizes = DEFAULT_SIZES;
  let help = false;
  const size = (flag: string, v: string): { tenants: number; apps: number } => {
    const m = /^(\d+):(\d+)$/.exec(v);
    if (!m) throw new Error(`${flag}: expected TENANTS:APPS, got '${v}'`);
    return { tenants: Number(m[1]), apps: Number(m[2]) };
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--scenarios':
        selection = value().split(',');
        break;
      case '--json':
        json = value();
        break;
      case '--repeat':
        options.repeat = Number(value());
        break;
      case '--floor-reps':
        options.floorReps = Number(value());
        break;
      case '--m':
        sizes = { ...sizes, m: size(flag, value()) };
        break;
      case '--l':
        sizes = { ...sizes, l: size(flag, value()) };
        break;
      case '--no-build':
        options.build = false;
        break;
      case '--no-tsx':
        options.tsx = false;
        break;
      case '--no-second':
        options.secondRunAndDiff = false;
        break;
      case '--work':
        options.workDir = value();
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--tmpfs':
        options.tmpfs = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new Error(`unknown option '${a}'\n${USAGE}`);
    }
  }
  for (const [k, v] of [['--repeat', options.repeat], ['--floor-reps', options.floorReps]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new Error(`${k}: expected a positive integer`);
  }
  return { selection, ...(json ? { json } : {}), options, sizes, help };
}

import { beforeAll, describe, expect, it } from 'vitest';
import { type BenchResult, formatResult, parseBenchArgs, runBench } from '../bench/bench.js';
import { generateManifests, selectScenarios, servedAppKinds } from '../bench/scenarios.js';

// A small run of the benchmark itself: S for one bundle and a reduced M (100 tenants, 500 apps),
// with and without chart grouping, through the command line from the sources (tsx). No timing
// assertions: only that every figure is produced and that grouping does not change the output.
const SIZES = { m: { tenants: 100, apps: 500 }, l: { tenants: 100, apps: 500 } };

describe('benchmark', () => {
  let result: BenchResult;
  beforeAll(() => {
    result = runBench({ scenarios: selectScenarios(['S-paas-full', 'M'], SIZES), build: false, tsx: false, repeat: 1, floorReps: 1 });
  }, 120_000);

  it('runs the scenarios without failures', () => {
    expect(result.failures).toEqual([]);
    expect(result.scenarios.map((s) => s.name)).toEqual(['S-paas-full', 'M', 'M-grouped']);
    expect(result.startup.wallS).toBeGreaterThan(0);
  });

  it('produces every figure', () => {
    for (const s of result.scenarios) {
      expect(s.synth.code, s.name).toBe(0);
      expect(s.synth.wallS, s.name).toBeGreaterThan(0);
      expect(s.synth.rssMiB, s.name).toBeGreaterThan(0);
      expect(s.output.objects, s.name).toBeGreaterThan(0);
      expect(s.output.bytes, s.name).toBeGreaterThan(0);
      expect(s.floor.objects, s.name).toBe(s.output.yamlFiles);
      expect(s.floor.emitS, s.name).toBeGreaterThan(0);
      expect(s.floor.yamlS, s.name).toBeGreaterThan(0);
      expect(s.floor.emitMismatches, s.name).toBe(0);
      expect(s.floor.writeS, s.name).toBeGreaterThan(0);
      expect(Number.isFinite(s.ratioToFloor) && s.ratioToFloor > 0, s.name).toBe(true);
      expect(s.second?.changed, s.name).toBe(0);
      expect(s.diff?.code, s.name).toBe(0);
      expect(s.warnings, s.name).toBe(0);
    }
    const m = result.scenarios.find((s) => s.name === 'M')!;
    // 100 tenant HelmReleases and 500 app HelmReleases on top of the platform alone.
    const s = result.scenarios.find((x) => x.name === 'S-paas-full')!;
    expect(m.output.objects).toBe(s.output.objects + 600);
    expect(m.targets.length).toBeGreaterThan(0);
  });

  it('gives byte-identical output with and without chart grouping', () => {
    const grouped = result.scenarios.find((s) => s.name === 'M-grouped')!;
    expect(grouped.tenantsPerChart).toBe(10);
    expect(grouped.sameOutput?.as).toBe('M');
    expect(grouped.sameOutput?.differences).toEqual([]);
    expect(grouped.sameOutput?.identical).toBe(true);
    expect(grouped.ratioTo?.ratio).toBeGreaterThan(0);
  });

  it('prints a table and a closing line of ratios to the floor', () => {
    const text = formatResult(result);
    expect(text).toContain('| M-grouped (10/chart) |');
    expect(text).toContain('| M-grouped | ');
    expect(text).toMatch(/synth \/ serialization floor: S-paas-full [\d.]+×, M [\d.]+×, M-grouped [\d.]+×/);
  });
});

describe('benchmark inputs and options', () => {
  it('generates the same input on every run, every served kind included', () => {
    const spec = { bundle: 'paas-full', tenants: 50, apps: 200 };
    const a = generateManifests(spec);
    expect(generateManifests(spec)).toEqual(a);
    const kinds = new Set(a.map((d) => d.kind));
    for (const k of servedAppKinds('paas-full')) expect(kinds.has(k), k).toBe(true);
    expect(a.filter((d) => d.kind === 'Tenant')).toHaveLength(50);
    // Three levels deep: tenant-tA-tB-tC namespaces exist.
    expect(a.some((d) => /^tenant-t\d+-t\d+$/.test((d.metadata as { namespace: string }).namespace))).toBe(true);
  });

  it('parses --scenarios and --json and selects subsets', () => {
    const args = parseBenchArgs(['--scenarios', 'S,M', '--json', 'out.json', '--m', '10:20']);
    expect(args.json).toBe('out.json');
    expect(args.sizes.m).toEqual({ tenants: 10, apps: 20 });
    expect(selectScenarios(args.selection, args.sizes).map((s) => s.name)).toEqual(['S-paas-full', 'S-paas-hosted', 'S-0.41.11-distro-full', 'S-0.41.11-distro-hosted', 'S-0.41.11-paas-full', 'S-1.6.0-paas-full', 'M', 'M-grouped']);
    expect(selectScenarios(['L'], args.sizes).map((s) => s.name)).toEqual(['L', 'L-explicit']);
    expect(() => selectScenarios(['XL'])).toThrow(/unknown scenario/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/unknown option/);
  });
});

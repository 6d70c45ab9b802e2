import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { APP_CATALOGS, APP_DEFINITIONS } from '../apps/catalog.js';
import type { KafkaProps } from '../apps/kafka.js';
import type { PostgresProps } from '../apps/postgres.js';
import type { TenantValues } from '../apps/tenant.js';
import type { VMDiskProps } from '../apps/vm-disk.js';
import type { AppDefinition } from '../lib/model/app-definition.js';
import { CATALOG_RELEASE, catalogIndex, releaseDir, upstreamFile } from './support/reference.js';
import { RELEASE_DATA } from '../releases/index.js';

const repo = resolve(import.meta.dirname, '..');
const TAGS = RELEASE_DATA.map((r) => r.tag);
/** The catalog of one release, as generated. */
const catalogOf = (tag: string): readonly AppDefinition[] => APP_CATALOGS.find((c) => c.tag === tag)!.definitions;
/** The v0.41.11 catalog, the one the tests of its facts read. */
const V041 = catalogOf(CATALOG_RELEASE);
/** The app-services.json of a release (derived by the snapshot script from the chart templates). */
function serviceReads(tag: string): Record<string, Record<string, { defaulted: boolean }>> {
  return (JSON.parse(readFileSync(join(releaseDir(tag), 'app-services.json'), 'utf8')) as { services: Record<string, Record<string, { defaulted: boolean }>> }).services;
}

type Obj = Record<string, unknown>;

/** A schema file with every string-valued `description` removed (schemas only use it as prose). */
function readSchema(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'), (k, v) => (k === 'description' && typeof v === 'string' ? undefined : v));
}

/**
 * The catalog index of the release (releases/<tag>/apps.json, derived by scripts/snapshot-upstream.ts
 * from the resource definitions and the charts' Chart.yaml): chart -> source dir, kind, plural, release name.
 */
function indexCharts(tag: string): Map<string, { dir: string; kind: string; plural: string; release: string }> {
  const rows = new Map<string, { dir: string; kind: string; plural: string; release: string }>();
  for (const a of catalogIndex(tag)) {
    rows.set(a.chart, { dir: a.path.replace(/^packages\//, ''), kind: a.kind, plural: a.plural, release: a.prefix === '' ? a.chart : `${a.prefix}<name>` });
  }
  return rows;
}

describe('application catalog of v0.41.11', () => {
  it('has 26 kinds, sorted by kind, with unique kinds and charts', () => {
    const APP_DEFINITIONS = V041;
    expect(APP_DEFINITIONS).toHaveLength(26);
    const kinds = APP_DEFINITIONS.map((d) => d.kind);
    expect(kinds).toEqual([...kinds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(kinds).size).toBe(26);
    expect(new Set(APP_DEFINITIONS.map((d) => d.chart)).size).toBe(26);
  });

  it('marks exactly the six tenant modules as modules, with an empty prefix', () => {
    const APP_DEFINITIONS = V041;
    const modules = APP_DEFINITIONS.filter((d) => d.module).map((d) => d.chart).sort();
    expect(modules).toEqual(['bootbox', 'etcd', 'info', 'ingress', 'monitoring', 'seaweedfs']);
    for (const d of APP_DEFINITIONS) expect(d.prefix === '').toBe(d.module);
    for (const d of APP_DEFINITIONS) expect(d.chartPath.startsWith(d.module ? 'extra/' : 'apps/')).toBe(true);
  });

  it('records the tenant services each chart reads (cozystack v0.41.11 templates)', () => {
    const APP_DEFINITIONS = V041;
    const table = Object.fromEntries(APP_DEFINITIONS.filter((d) => d.requiredServices.length).map((d) => [d.kind, [...d.requiredServices]]));
    expect(table).toEqual({
      BootBox: ['ingress'],
      Bucket: ['seaweedfs'],
      Kubernetes: ['etcd', 'ingress', 'monitoring'],
      Monitoring: ['ingress'],
      SeaweedFS: ['ingress'],
    });
  });

  it('keeps no prose descriptions in the schemas', () => {
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          expect(k === 'description' && typeof x === 'string', `description left in a schema`).toBe(false);
          walk(x);
        }
      }
    };
    for (const c of APP_CATALOGS) for (const d of c.definitions) walk(d.schema);
  });
});

describe.each(TAGS)('application catalog against the upstream release (releases/%s)', (tag) => {
  const APP_DEFINITIONS = catalogOf(tag);
  const rdFiles = catalogIndex(tag).map((a) => a.definition).sort();
  const index = indexCharts(tag);

  it('has one definition per resource definition and per catalog index row', () => {
    expect(rdFiles).toHaveLength(APP_DEFINITIONS.length);
    expect([...index.keys()].sort()).toEqual(APP_DEFINITIONS.map((d) => d.chart).sort());
  });

  it.each(rdFiles)('%s: kind, plural, chart, prefix, labels, category and module match', (file) => {
    const rd = loadYaml(readFileSync(upstreamFile(tag, file), 'utf8')) as Obj;
    expect(rd.kind).toBe(tag === CATALOG_RELEASE ? 'CozystackResourceDefinition' : 'ApplicationDefinition');
    const spec = rd.spec as Obj;
    const app = spec.application as Obj;
    const release = spec.release as Obj;
    const dashboard = spec.dashboard as Obj;
    const d = APP_DEFINITIONS.find((a) => a.kind === app.kind) as AppDefinition;
    expect(d, `no definition for ${String(app.kind)}`).toBeDefined();
    expect(d.plural).toBe(app.plural);
    if (release.chart) expect(d.chart).toBe((release.chart as Obj).name);
    else {
      // v1.x: the chart is the ExternalArtifact the definition names, of the app's PackageSource.
      expect(release.chartRef).toMatchObject({ kind: 'ExternalArtifact', namespace: 'cozy-system' });
      expect(d.chartArtifact).toBe((release.chartRef as Obj).name);
    }
    expect(d.prefix).toBe(release.prefix);
    expect(d.labels).toEqual(release.labels ?? {});
    expect(d.category).toBe(dashboard.category);
    expect(d.module).toBe(dashboard.module === true);
  });

  it.each(APP_DEFINITIONS.map((d) => [d.kind, d] as const))('%s: chart folder and release naming match the catalog index', (_, d) => {
    const row = index.get(d.chart)!;
    expect(row).toBeDefined();
    expect(d.chartPath).toBe(row.dir);
    expect(d.kind).toBe(row.kind);
    expect(d.plural).toBe(row.plural);
    expect(`${d.prefix}<name>`.replace(/^<name>$/, d.chart)).toBe(row.release);
  });

  it.each(APP_DEFINITIONS.map((d) => [d.kind, d] as const))('%s: schema and defaults are the chart files', (_, d) => {
    const schema = readSchema(upstreamFile(tag, `packages/${d.chartPath}/values.schema.json`));
    expect(d.schema).toEqual(schema);
    const values = loadYaml(readFileSync(upstreamFile(tag, `packages/${d.chartPath}/values.yaml`), 'utf8')) ?? {};
    expect(d.defaults).toEqual(values);
  });

  it('records, per kind, the tenant services its chart templates read without a default', () => {
    const reads = serviceReads(tag);
    for (const d of APP_DEFINITIONS) {
      const expected = Object.entries(reads[`packages/${d.chartPath}`] ?? {}).filter(([, r]) => !r.defaulted).map(([k]) => k).sort();
      expect([...d.requiredServices], d.kind).toEqual(expected);
    }
  });
});

describe('the generator', () => {
  it('the generator is deterministic and apps/ is up to date', () => {
    const out = [mkdtempSync(join(tmpdir(), 'gen-apps-')), mkdtempSync(join(tmpdir(), 'gen-apps-'))];
    try {
      const tsx = join(repo, 'node_modules', '.bin', 'tsx');
      for (const dir of out) execFileSync(tsx, [join(repo, 'scripts', 'gen-apps.ts'), '--out', dir], { stdio: 'pipe' });
      const list = (dir: string) =>
        readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .sort();
      const files = list(out[0]!);
      // A definition file per kind and release where it differs from the release before, a typed
      // module per kind of any release, catalog.ts, index.ts and the validators.
      const kinds = new Set(APP_CATALOGS.flatMap((c) => c.definitions.map((d) => d.kind)));
      const distinct = new Set(APP_CATALOGS.flatMap((c) => c.definitions));
      expect(files.length).toBe(distinct.size + kinds.size + 3);
      expect(list(out[1]!)).toEqual(files);
      expect(list(join(repo, 'apps'))).toEqual(files);
      for (const f of files) {
        const a = readFileSync(join(out[0]!, f), 'utf8');
        expect(readFileSync(join(out[1]!, f), 'utf8'), `${f} differs between two runs`).toBe(a);
        expect(readFileSync(join(repo, 'apps', f), 'utf8'), `apps/${f} is stale: run npm run gen:apps`).toBe(a);
      }
    } finally {
      for (const dir of out) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('precompiled validators (apps/generated/validators.ts)', () => {
  it('the generator fails when the standalone code would need a run-time import', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gen-apps-'));
    try {
      for (const tag of TAGS) for (const sub of ['apps.json', 'app-services.json', 'upstream']) cpSync(join(releaseDir(tag), sub), join(tmp, 'ref', tag, sub), { recursive: true });
      const file = join(tmp, 'ref', CATALOG_RELEASE, 'upstream', 'packages', 'apps', 'postgres', 'values.schema.json');
      const schema = JSON.parse(readFileSync(file, 'utf8')) as { properties: Obj };
      // ajv-formats checks `date` with a function, which standalone code requires at run time.
      schema.properties.since = { type: 'string', format: 'date' };
      writeFileSync(file, JSON.stringify(schema));
      const tsx = join(repo, 'node_modules', '.bin', 'tsx');
      let stderr = '';
      try {
        execFileSync(tsx, [join(repo, 'scripts', 'gen-apps.ts'), '--releases', join(tmp, 'ref'), '--out', join(tmp, 'out')], { stdio: 'pipe' });
      } catch (e) {
        stderr = String((e as { stderr?: Buffer }).stderr);
      }
      expect(stderr).toContain('the standalone code needs a run-time import');
      expect(stderr).toContain('ajv-formats');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('are not part of the public modules', async () => {
    expect(readFileSync(join(repo, 'apps', 'index.ts'), 'utf8')).not.toContain('validators');
    const mod = (await import('../apps/index.js')) as Record<string, unknown>;
    expect(mod.PRECOMPILED_VALIDATORS).toBeUndefined();
  });
});

describe('generated app modules', () => {
  it('export each kind\'s definition at the newest release that has it and a ManagedApp class per kind but Tenant', async () => {
    const mod = (await import('../apps/index.js')) as Record<string, unknown>;
    const { ManagedApp } = await import('../lib/constructs/managed-app.js');
    const newest = new Map<string, AppDefinition>();
    for (const c of APP_CATALOGS) for (const d of c.definitions) newest.set(d.kind, d);
    expect(newest.size).toBe(33);
    for (const d of newest.values()) {
      expect(mod[`${d.chart.toUpperCase().replace(/-/g, '_')}_DEFINITION`], d.kind).toBe(d);
      if (d.chart === 'tenant') {
        expect(mod.Tenant).toBeUndefined();
        continue;
      }
      const cls = mod[d.kind] as { prototype: object; name: string } | undefined;
      expect(typeof cls, d.kind).toBe('function');
      expect(cls!.name).toBe(d.kind);
      expect(cls!.prototype instanceof ManagedApp).toBe(true);
    }
    expect(mod.APP_DEFINITIONS).toBe(APP_DEFINITIONS);
    expect(APP_DEFINITIONS).toBe(APP_CATALOGS[APP_CATALOGS.length - 1]!.definitions);
  });

  it('types props from the schema (checked by tsc; the @ts-expect-error lines must stay errors)', () => {
    const ok: PostgresProps = { replicas: 3, size: '10Gi', resourcesPreset: 'small', users: { alice: { password: 'x' } }, resources: { cpu: 2 } };
    // @ts-expect-error not a member of the resourcesPreset enum
    const badEnum: PostgresProps = { resourcesPreset: 'huge' };
    // @ts-expect-error replicas is an integer
    const badType: PostgresProps = { replicas: '3' };
    // @ts-expect-error a topic needs config (list items get no chart defaults)
    const badTopic: KafkaProps = { topics: [{ name: 't', partitions: 1, replicas: 1 }] };
    // @ts-expect-error source.http needs url
    const badDisk: VMDiskProps = { source: { http: {} } };
    const quotas: TenantValues = { resourceQuotas: { 'requests.cpu': '4', pods: 10 } };
    expect([ok, badEnum, badType, badTopic, badDisk, quotas]).toHaveLength(6);
  });
});

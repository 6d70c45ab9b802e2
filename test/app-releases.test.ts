// Apps and the platform's release: a kind is available, and its values are checked, at the
// release the platform pins. Expectations come from the committed release data (releases/<tag>/).
import { readFileSync } from 'node:fs';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { APP_CATALOGS } from '../apps/catalog.js';
import { Bundle, collectObjects, CozystackValidationError, Harbor, Kafka, Kubernetes, ManagedApp, MariaDB, MySQL, FerretDB, Platform, Postgres, VirtualMachine } from '../lib/index.js';
import type { Problem } from '../lib/core/errors.js';
import type { JsonValue, Values } from '../lib/core/values.js';
import { load as loadYaml } from 'js-yaml';
import { cases, sample } from './support/schema-cases.js';
import { RELEASE_DATA } from '../releases/index.js';
import { catalogIndex, upstreamFile } from './support/reference.js';
import { everyAppServed, PAAS, UNSERVED_KINDS, unservedKinds } from './support/synth.js';

// Every kind served: at v1.x the optional Packages (ExternalDNS, BootBox, KubernetesNodes) enabled.
const platform = (version: string) => new Platform(new App({ outdir: '/nonexistent' }), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, version, ...everyAppServed(version) });
const problems = (f: () => unknown): readonly Problem[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems;
  }
  throw new Error('expected an error');
};
/** The chart schema of a kind at a release, as committed (releases/<tag>/upstream/.../values.schema.json). */
interface SchemaNode {
  type?: unknown;
  anyOf?: unknown;
  enum?: string[];
  properties?: Record<string, SchemaNode>;
}
function schemaOf(tag: string, kind: string): SchemaNode {
  const row = catalogIndex(tag).find((a) => a.kind === kind)!;
  return JSON.parse(readFileSync(upstreamFile(tag, row.schema!), 'utf8')) as SchemaNode;
}
/** The schema node at a path of property names. */
const at = (s: SchemaNode, ...path: string[]): SchemaNode => path.reduce((n, k) => n.properties![k]!, s);
const kindsOf = (tag: string): string[] => catalogIndex(tag).map((a) => a.kind);

describe('kinds a release does not serve', () => {
  it('the kinds v1.6.2 removed are errors at 1.6.2 that name the release and the replacement', () => {
    // releases/v1.6.2/apps.json has no MySQL, FerretDB, VirtualMachine (v0.41.11's has them).
    for (const k of ['MySQL', 'FerretDB', 'VirtualMachine']) {
      expect(kindsOf('v1.6.2')).not.toContain(k);
      expect(kindsOf('v0.41.11')).toContain(k);
    }
    const p = platform('1.6.2');
    expect(problems(() => new MySQL(p.rootTenant, 'db'))).toEqual([
      { subject: 'MySQL tenant-root/db', path: 'kind', rule: 'kind-not-in-release', message: expect.stringMatching(/^MySQL is not an app of Cozystack 1\.6\.2: upstream removed it; use MariaDB/) },
    ]);
    expect(problems(() => new FerretDB(p.rootTenant, 'db'))[0]!.message).toBe('FerretDB is not an app of Cozystack 1.6.2: upstream removed it, with no replacement');
    expect(problems(() => new VirtualMachine(p.rootTenant, 'vm'))[0]!.message).toMatch(/use VMDisk and VMInstance/);
    // The same for a manifest, and the replacement works.
    expect(problems(() => p.rootTenant.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'MySQL', metadata: { name: 'db' }, spec: {} }))).toEqual([
      expect.objectContaining({ path: 'kind', rule: 'kind-not-in-release', message: expect.stringMatching(/use MariaDB/) }),
    ]);
    expect(() => new MariaDB(p.rootTenant, 'db')).not.toThrow();
  });

  it('the kinds new in v1.6 are errors at 0.41.11 that name the releases that have them', () => {
    expect(kindsOf('v0.41.11')).not.toContain('Harbor');
    const p = platform('0.41.11');
    expect(problems(() => new Harbor(p.rootTenant, 'reg'))).toEqual([
      { subject: 'Harbor tenant-root/reg', path: 'kind', rule: 'kind-not-in-release', message: 'Harbor is not an app of Cozystack 0.41.11; it is an app of 1.6.0, 1.6.2' },
    ]);
    expect(() => new MySQL(p.rootTenant, 'db')).not.toThrow();
  });

  it('the kinds paas-full leaves unserved are those the test table says (the table the test files branch on)', () => {
    for (const r of RELEASE_DATA) expect([...unservedKinds(r.version)].sort(), r.version).toEqual(UNSERVED_KINDS[r.version]);
    expect(Object.keys(UNSERVED_KINDS).sort()).toEqual(RELEASE_DATA.map((r) => r.version).sort());
  });

  it('an unknown kind in a manifest lists the kinds of the release', () => {
    const p = platform('1.6.2');
    const [x] = problems(() => p.rootTenant.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Postgress', metadata: { name: 'db' }, spec: {} }));
    expect(x).toMatchObject({ path: 'kind', rule: 'unknown-kind' });
    expect(x!.message).toContain(`Cozystack 1.6.2 serves ${[...kindsOf('v1.6.2')].sort().join(', ')}`);
    expect(x!.message).toContain("did you mean 'Postgres'?");
  });
});

describe('the chart of every app of a v1 release is an artifact the platform output generates', () => {
  it.each(RELEASE_DATA.filter((r) => r.delivery === 'packages').map((r) => [r.version, r] as const))('%s (paas-full)', (_, r) => {
    const app = new App({ outdir: '/nonexistent' });
    new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, version: r.version });
    const generated = new Set(
      collectObjects(app)
        .filter((o) => o.kind === 'ArtifactGenerator')
        .flatMap((g) => ((g.spec as { artifacts: { name: string }[] }).artifacts).map((a) => a.name)),
    );
    for (const row of catalogIndex(r.tag)) {
      // The definition's chartRef (releases/<tag>/upstream/packages/system/<x>-rd/cozyrds/<x>.yaml).
      const rd = loadYaml(readFileSync(upstreamFile(r.tag, row.definition), 'utf8')) as { spec: { release: { chartRef: { name: string } } } };
      expect(generated.has(rd.spec.release.chartRef.name), `${row.kind}: ${rd.spec.release.chartRef.name}`).toBe(true);
    }
  });
});

describe('values are checked against the schema of the platform\'s release', () => {
  it('Postgres max_connections "100": an integer at 0.41.11, an integer or a string at 1.6.2', () => {
    const v041 = at(schemaOf('v0.41.11', 'Postgres'), 'postgresql', 'parameters', 'max_connections');
    expect(v041.type).toBe('integer');
    const values = { postgresql: { parameters: { max_connections: '100' } } };
    expect(problems(() => new Postgres(platform('0.41.11').rootTenant, 'db', values as never))).toEqual([
      expect.objectContaining({ path: 'spec.postgresql.parameters.max_connections', rule: 'type' }),
    ]);
    expect(() => new Postgres(platform('1.6.2').rootTenant, 'db', values)).not.toThrow();
  });

  it('Kafka c1.* presets and Kubernetes v1.35: not in the v0.41.11 enums, in the v1.6.2 ones', () => {
    const kafka041 = at(schemaOf('v0.41.11', 'Kafka'), 'kafka', 'resourcesPreset').enum;
    const kafka162 = at(schemaOf('v1.6.2', 'Kafka'), 'kafka', 'resourcesPreset').enum;
    expect(kafka041).not.toContain('c1.small');
    expect(kafka162).toContain('c1.small');
    const k8s041 = at(schemaOf('v0.41.11', 'Kubernetes'), 'version').enum;
    expect(k8s041).not.toContain('v1.35');
    const old = platform('0.41.11');
    expect(problems(() => new Kafka(old.rootTenant, 'k', { kafka: { resourcesPreset: 'c1.small' } } as never))).toEqual([expect.objectContaining({ path: 'spec.kafka.resourcesPreset', rule: 'enum' })]);
    expect(problems(() => new Kubernetes(old.rootTenant, 'k', { version: 'v1.35' } as never))).toEqual([expect.objectContaining({ path: 'spec.version', rule: 'enum' })]);
    const now = platform('1.6.2');
    expect(() => new Kafka(now.rootTenant, 'k', { kafka: { resourcesPreset: 'c1.small' } })).not.toThrow();
    expect(() => new Kubernetes(now.rootTenant, 'k', { version: 'v1.35' })).not.toThrow();
  });

  it('the definition an app gets is its kind at the platform\'s release', () => {
    for (const r of RELEASE_DATA) {
      const defs = APP_CATALOGS.find((c) => c.tag === r.tag)!.definitions;
      const pg = new Postgres(platform(r.version).rootTenant, 'db');
      expect(pg.definition).toBe(defs.find((d) => d.kind === 'Postgres'));
    }
  });
});

// Per release and kind, the schema walk of the values tests on the release's committed chart files
// (values.schema.json and values.yaml at the tag): every value that breaks a constraint is rejected
// at synth with its path and rule, and a value of every top-level key that the schema accepts passes.
// A kind no setting serves (KubernetesNodes at 1.6.2) is refused before its values count
// (test/served-kinds-v1.test.ts); test/values-validator.test.ts walks its schema.
const CASES = RELEASE_DATA.flatMap((r) => {
  const unserved = new Set(UNSERVED_KINDS[r.version]);
  return APP_CATALOGS.find((c) => c.tag === r.tag)!
    .definitions.filter((d) => d.kind !== 'Tenant' && d.kind !== 'Info' && !unserved.has(d.kind))
    .map((d) => [`${d.kind} at ${r.version}`, r, d] as const);
});

describe.each(CASES)('%s: the chart schema at synth', (_, r, d) => {
  const row = catalogIndex(r.tag).find((a) => a.kind === d.kind)!;
  const schema = JSON.parse(readFileSync(upstreamFile(r.tag, row.schema!), 'utf8')) as JsonValue;
  const defaults = (loadYaml(readFileSync(upstreamFile(r.tag, row.values!), 'utf8')) ?? {}) as Values;
  const name = d.module ? d.chart : 'x1';
  const tenant = () => platform(r.version).rootTenant.addTenant('team');

  it('rejects every value that breaks a constraint, at its path', () => {
    const team = tenant();
    const all = cases(schema, defaults);
    for (const c of all) {
      const found = problems(() => new ManagedApp(team, name, { definition: d, values: c.user }));
      expect(found.map((x) => `${x.path} [${x.rule}]`), `${c.kind} at ${c.path}`).toEqual([`spec${c.path} [${c.rule}]`]);
    }
  });

  it('accepts a value the schema accepts for each top-level key (without a pattern)', () => {
    const props = ((schema as { properties?: Record<string, JsonValue> }).properties ?? {}) as Record<string, { pattern?: unknown }>;
    // A host must lie in the tenant's zone (docs/safety.md, hosts stay in their zone): the sample of `host` is one there.
    const values = Object.fromEntries(Object.entries(props).filter(([, s]) => s.pattern === undefined).map(([k, s]) => [k, k === 'host' ? 'x.team.example.org' : sample(s as JsonValue)]));
    const team = tenant();
    expect(() => new ManagedApp(team, name, { definition: d, values: values as Values })).not.toThrow();
  });
});

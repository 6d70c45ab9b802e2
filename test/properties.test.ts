// Properties over generated inputs (fast-check), through the library in-process: a random bundle
// with valid settings, a random tenant tree and random apps of simple kinds.
//  1. valid input always synthesizes;
//  2. any single mutation that breaks a rule is reported, naming that rule and the document (every
//     one of the 28 kinds in every run, on a few generated platforms each);
//  3. the output does not depend on the order of the documents, nor on how they are split in files.
import { App } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_DEFINITIONS } from '../apps/catalog.js';
import { Bundle } from '../lib/model/bundle.js';
import { CozystackValidationError, type Problem } from '../lib/core/errors.js';
import { renderFiles } from '../lib/synthesis/synthesize.js';
import type { InputDocument } from '../lib/input/yaml-input.js';
import { platformFromDocuments } from '../lib/input/yaml-platform.js';

const PLATFORM_API = 'cdk8s.cozystack.io/v1alpha1';
const APPS_API = 'apps.cozystack.io/v1alpha1';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
/** Generated platforms per mutation kind (every kind runs in every run). */
const MUTATION_RUNS = Number(process.env.PROPERTY_MUTATION_RUNS ?? 5);

type Doc = Record<string, unknown> & { kind: string; metadata?: { name?: unknown; namespace?: unknown }; spec?: Record<string, unknown> };

interface TenantInput {
  name: string;
  parent: number; // index of the parent tenant, -1 for tenant-root
  spec: Record<string, unknown>;
}

interface Input {
  bundle: string;
  platform: Doc;
  tenants: TenantInput[];
  apps: Doc[];
}

// ------------------------------------------------------------------ generators

/** App kinds with simple specs, the component serving each, and valid values. */
const APP_KINDS: { kind: string; rd: string; spec: fc.Arbitrary<Record<string, unknown>> }[] = [
  { kind: 'Redis', rd: 'redis-rd', spec: fc.record({ replicas: fc.integer({ min: 1, max: 5 }), size: fc.constantFrom('1Gi', '5Gi', '500Mi'), version: fc.constantFrom('v8', 'v7') }, { requiredKeys: [] }) },
  { kind: 'Postgres', rd: 'postgres-rd', spec: fc.record({ replicas: fc.integer({ min: 1, max: 5 }), size: fc.constantFrom('10Gi', '20Gi'), version: fc.constantFrom('v17', 'v16', 'v18') }, { requiredKeys: [] }) },
  { kind: 'NATS', rd: 'nats-rd', spec: fc.record({ replicas: fc.integer({ min: 1, max: 3 }), external: fc.boolean() }, { requiredKeys: [] }) },
  { kind: 'RabbitMQ', rd: 'rabbitmq-rd', spec: fc.record({ replicas: fc.integer({ min: 1, max: 5 }), size: fc.constantFrom('10Gi', '1Gi') }, { requiredKeys: [] }) },
  { kind: 'VMDisk', rd: 'vm-disk-rd', spec: fc.record({ storage: fc.constantFrom('5Gi', '20Gi'), optical: fc.boolean() }, { requiredKeys: [] }) },
  { kind: 'HTTPCache', rd: 'http-cache-rd', spec: fc.record({ endpoints: fc.array(fc.constantFrom('10.0.0.1:80', '10.0.0.2:8080'), { maxLength: 2 }) }, { requiredKeys: [] }) },
];

const BUNDLES = ['paas-full', 'paas-hosted', 'distro-full', 'distro-hosted'] as const;
// Not root (the root tenant's), nor a name whose derived host is a reserved service host
// (api.<root host>, s3.<host> of a tenant running seaweedfs: docs/safety.md, hosts stay in their zone).
const NAME = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/).filter((n) => n !== 'root' && n !== 'api' && n !== 's3');
const QUOTAS = fc.record({ cpu: fc.constantFrom('4', '500m', 2), memory: fc.constantFrom('8Gi', '512Mi'), pods: fc.integer({ min: 0, max: 100 }), storage: fc.constantFrom('100Gi', '1Ti') }, { requiredKeys: [] });
const TENANT_SPEC = fc.record({ etcd: fc.boolean(), ingress: fc.boolean(), monitoring: fc.boolean(), seaweedfs: fc.boolean(), isolated: fc.boolean(), resourceQuotas: QUOTAS }, { requiredKeys: [] });
const IPV4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.'));

/** Valid settings for a bundle. */
function settings(bundle: string): fc.Arbitrary<Record<string, unknown>> {
  const b = Bundle.fromName(bundle);
  const optional = b.components.filter((c) => c.optional && !c.requiresOidc).map((c) => c.name);
  // Components a platform can do without (not an app's -rd: apps are generated against what is served).
  const disposable = b.components.filter((c) => !c.optional && !c.name.endsWith('-rd')).map((c) => c.name);
  const paas = bundle.startsWith('paas');
  return fc
    .record(
      {
        rootHost: fc.constantFrom('example.org', 'cloud.example.com', 'a.b.c.example.net'),
        clusterDomain: fc.constantFrom('cozy.local', 'cluster.local'),
        // The bundles are v0.41.11's, which has flux mode only (operator mode is v1.x: test/platform-v1.test.ts).
        mode: fc.constantFrom('flux'),
        tenantRendering: fc.constantFrom('release', 'explicit'),
        clusterIssuer: fc.constantFrom('http01', 'cloudflare'),
        oidc: fc.record({ enabled: fc.boolean() }),
        telemetry: fc.record({ enabled: fc.boolean() }),
        network: fc.record({ podCidr: fc.constantFrom('10.244.0.0/16', '10.0.0.0/8'), serviceCidr: fc.constantFrom('10.96.0.0/16') }, { requiredKeys: [] }),
        resources: fc.record({ cpuAllocationRatio: fc.constantFrom(1, 4, 10, 0.5), memoryAllocationRatio: fc.constantFrom(1, 1.5) }, { requiredKeys: [] }),
        helmRelease: fc.record({ interval: fc.constantFrom('5m', '1h30m', '30s'), maxHistory: fc.nat(10) }, { requiredKeys: [] }),
        controlPlaneNodeIPs: fc.array(IPV4, { maxLength: 3 }),
        expose: fc.record({ services: fc.subarray(['api', 'dashboard']), externalIPs: fc.array(IPV4, { maxLength: 2 }) }, { requiredKeys: [] }),
        components: fc.record({ enable: fc.subarray(optional, { maxLength: 3 }), disable: fc.subarray(disposable, { maxLength: 2 }) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    )
    .map((s) => ({ ...s, bundle, ...(paas ? { rootHost: s.rootHost ?? 'example.org', apiServerEndpoint: 'https://api.example.org:6443' } : {}) }));
}

/** Namespace of tenant `i` of a tree. */
function namespaceOf(tenants: readonly TenantInput[], i: number): string {
  if (i === -1) return 'tenant-root';
  const t = tenants[i]!;
  return t.parent === -1 ? `tenant-${t.name}` : `${namespaceOf(tenants, t.parent)}-${t.name}`;
}

/** A tenant tree: each tenant's parent is an earlier one (or the root), names unique among siblings, at most 3 levels. */
const TREE: fc.Arbitrary<TenantInput[]> = fc
  .array(fc.record({ name: NAME, parentPick: fc.nat(), spec: TENANT_SPEC }), { maxLength: 7 })
  .map((raw) => {
    const out: TenantInput[] = [];
    const depth: number[] = [];
    for (const r of raw) {
      const candidates = [-1, ...out.map((_, i) => i).filter((i) => depth[i]! < 3)];
      const parent = candidates[r.parentPick % candidates.length]!;
      if (out.some((t) => t.parent === parent && t.name === r.name)) continue;
      out.push({ name: r.name, parent, spec: r.spec });
      depth.push(parent === -1 ? 1 : depth[parent]! + 1);
    }
    return out;
  });

const INPUT: fc.Arbitrary<Input> = fc
  .constantFrom(...BUNDLES)
  .chain((bundle) => fc.record({ bundle: fc.constant(bundle), spec: settings(bundle), tenants: TREE, apps: fc.array(fc.record({ kind: fc.nat(), tenant: fc.nat(), spec: fc.nat() }), { maxLength: 8 }) }))
  .chain(({ bundle, spec, tenants, apps }) => {
    const b = Bundle.fromName(bundle);
    const served = APP_KINDS.filter((k) => b.component(k.rd));
    const picks = served.length ? apps.map((a, i) => ({ ...a, def: served[a.kind % served.length]!, name: `app${i}` })) : [];
    return fc.tuple(...picks.map((p) => p.def.spec)).map((specs) => ({
      bundle,
      // The generated settings are those of the four bundles: the release they are from (v0.41.11).
      platform: { apiVersion: PLATFORM_API, kind: 'Platform', metadata: { name: 'platform' }, spec: { ...spec, version: '0.41.11' } } as Doc,
      tenants,
      apps: picks.map((p, i) => ({ apiVersion: APPS_API, kind: p.def.kind, metadata: { name: p.name, namespace: namespaceOf(tenants, (p.tenant % (tenants.length + 1)) - 1) }, spec: specs[i]! }) as Doc),
    }));
  });

function documentsOf(input: Input): Doc[] {
  const tenants = input.tenants.map((t) => ({ apiVersion: APPS_API, kind: 'Tenant', metadata: { name: t.name, namespace: namespaceOf(input.tenants, t.parent) }, spec: t.spec }) as Doc);
  return [input.platform, ...tenants, ...input.apps];
}

/** Documents laid out in files: `perFile` documents in each, in the given order. */
function inFiles(docs: readonly Doc[], perFile: number, prefix = 'input'): InputDocument[] {
  return docs.map((value, i) => ({ file: `${prefix}-${Math.floor(i / perFile)}.yaml`, index: (i % perFile) + 1, value: structuredClone(value) }));
}

function synthesize(docs: readonly InputDocument[]): Map<string, string> {
  const app = new App();
  platformFromDocuments(app, docs);
  return renderFiles(app);
}

function problemsOf(docs: readonly InputDocument[]): readonly Problem[] {
  try {
    synthesize(docs);
  } catch (e) {
    if (e instanceof CozystackValidationError) return e.problems;
    throw e;
  }
  return [];
}

// ------------------------------------------------------------------ mutations

/** A mutation: the rule it breaks, when it applies, and what it does (returns the documents and the index of the one at fault). */
interface Mutation {
  readonly name: string;
  readonly rule: string;
  readonly applies: (docs: readonly Doc[], input: Input) => boolean;
  readonly apply: (docs: Doc[], pick: number, input: Input) => number;
}

const isTenant = (d: Doc) => d.kind === 'Tenant';
const isApp = (d: Doc) => d.kind !== 'Tenant' && d.kind !== 'Platform';
const indexes = (docs: readonly Doc[], f: (d: Doc) => boolean) => docs.map((d, i) => (f(d) ? i : -1)).filter((i) => i >= 0);
const pickOf = (list: number[], pick: number) => list[pick % list.length]!;
const spec = (docs: Doc[]) => docs[0]!.spec as Record<string, unknown>;
const components = (docs: Doc[]) => ((spec(docs).components ??= {}) as Record<string, unknown>);

const MUTATIONS: Mutation[] = [
  {
    name: 'uppercase tenant name',
    rule: 'invalid-tenant-name',
    applies: (d) => d.some(isTenant),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isTenant), pick);
      d[i]!.metadata!.name = String(d[i]!.metadata!.name).toUpperCase();
      return i;
    },
  },
  {
    name: "tenant name with '-'",
    rule: 'invalid-tenant-name',
    applies: (d) => d.some(isTenant),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isTenant), pick);
      d[i]!.metadata!.name = `${String(d[i]!.metadata!.name)}-x`;
      return i;
    },
  },
  {
    name: 'duplicate app',
    rule: 'duplicate-object',
    applies: (d) => d.some(isApp),
    apply: (d, pick) => {
      d.push(structuredClone(d[pickOf(indexes(d, isApp), pick)]!));
      return d.length - 1;
    },
  },
  {
    name: 'duplicate tenant',
    rule: 'duplicate-object',
    applies: (d) => d.some(isTenant),
    apply: (d, pick) => {
      d.push(structuredClone(d[pickOf(indexes(d, isTenant), pick)]!));
      return d.length - 1;
    },
  },
  {
    name: 'unknown component enabled',
    rule: 'unknown-component',
    applies: () => true,
    apply: (d) => {
      components(d).enable = [...((components(d).enable as string[]) ?? []), 'no-such-component'];
      return 0;
    },
  },
  {
    name: 'unknown component disabled',
    rule: 'unknown-component',
    applies: () => true,
    apply: (d) => {
      components(d).disable = ['ciliumm', ...((components(d).disable as string[]) ?? [])];
      return 0;
    },
  },
  {
    name: 'values for an unknown component',
    rule: 'unknown-component',
    applies: () => true,
    apply: (d) => {
      components(d).values = { grafana: { replicas: 1 } };
      return 0;
    },
  },
  {
    name: 'values for an optional component not enabled',
    rule: 'not-installed',
    applies: (d, input) => optionalNotEnabled(d, input).length > 0,
    apply: (d, pick, input) => {
      const list = optionalNotEnabled(d, input);
      components(d).values = { [list[pick % list.length]!]: { a: 1 } };
      return 0;
    },
  },
  {
    name: 'keycloak enabled without OIDC',
    rule: 'requires-oidc',
    applies: (_, input) => !!Bundle.fromName(input.bundle).component('keycloak'),
    apply: (d) => {
      spec(d).oidc = { enabled: false };
      components(d).enable = [...((components(d).enable as string[]) ?? []), 'keycloak'];
      return 0;
    },
  },
  {
    name: 'app in a namespace that is no tenant',
    rule: 'not-a-tenant',
    applies: (d) => d.some(isApp),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isApp), pick);
      d[i]!.metadata!.namespace = 'tenant-nobody-here';
      return i;
    },
  },
  {
    name: 'tenant in a namespace that is no tenant',
    rule: 'not-a-tenant',
    applies: () => true,
    apply: (d) => {
      d.push({ apiVersion: APPS_API, kind: 'Tenant', metadata: { name: 'orphan', namespace: 'default' }, spec: {} });
      return d.length - 1;
    },
  },
  {
    name: 'rootHost with capitals',
    rule: 'invalid-host',
    applies: () => true,
    apply: (d) => {
      spec(d).rootHost = 'Example.ORG';
      return 0;
    },
  },
  {
    name: 'apiServerEndpoint without scheme',
    rule: 'invalid-url',
    applies: () => true,
    apply: (d) => {
      spec(d).apiServerEndpoint = 'api.example.org:6443';
      return 0;
    },
  },
  {
    name: 'unknown mode',
    rule: 'invalid-enum',
    applies: () => true,
    apply: (d) => {
      spec(d).mode = 'helm';
      return 0;
    },
  },
  {
    name: 'unknown Platform field',
    rule: 'unknown-field',
    applies: () => true,
    apply: (d) => {
      spec(d).rootHots = 'example.org';
      return 0;
    },
  },
  {
    name: 'pod CIDR without prefix',
    rule: 'invalid-cidr',
    applies: () => true,
    apply: (d) => {
      spec(d).network = { podCidr: '10.244.0.0' };
      return 0;
    },
  },
  {
    name: 'interval that is no duration',
    rule: 'invalid-duration',
    applies: () => true,
    apply: (d) => {
      spec(d).helmRelease = { interval: '5 minutes' };
      return 0;
    },
  },
  {
    name: 'second Platform document',
    rule: 'platform-count',
    applies: () => true,
    apply: (d) => {
      d.push(structuredClone(d[0]!));
      return d.length - 1;
    },
  },
  {
    name: 'app replicas as a word',
    rule: 'type',
    applies: (d) => d.some(isApp),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isApp), pick);
      d[i]!.spec = { ...d[i]!.spec, [d[i]!.kind === 'VMDisk' ? 'optical' : 'replicas']: 'three' };
      if (d[i]!.kind === 'HTTPCache') d[i]!.spec = { endpoints: 'three' };
      return i;
    },
  },
  {
    name: 'app name with capitals',
    rule: 'invalid-name',
    applies: (d) => d.some(isApp),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isApp), pick);
      d[i]!.metadata!.name = 'Bad_Name';
      return i;
    },
  },
  {
    name: 'unknown kind',
    rule: 'unknown-kind',
    applies: (d) => d.some(isApp),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isApp), pick);
      d[i]!.kind = `${d[i]!.kind}z`;
      return i;
    },
  },
  {
    name: 'unknown apiVersion',
    rule: 'unknown-api-version',
    applies: (d) => d.length > 1,
    apply: (d, pick) => {
      const i = 1 + (pick % (d.length - 1));
      d[i]!.apiVersion = 'apps/v1';
      return i;
    },
  },
  {
    name: 'tenant quota in words',
    rule: 'invalid-quantity',
    applies: (d) => d.some(isTenant),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isTenant), pick);
      d[i]!.spec = { ...d[i]!.spec, resourceQuotas: { cpu: 'four' } };
      return i;
    },
  },
  {
    name: 'tenant service flag as a string',
    rule: 'invalid-type',
    applies: (d) => d.some(isTenant),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isTenant), pick);
      d[i]!.spec = { ...d[i]!.spec, etcd: 'yes' };
      return i;
    },
  },
  {
    name: "tenant claiming the root tenant's host",
    rule: 'duplicate-host',
    applies: (d) => d.some(isTenant),
    apply: (d, pick) => {
      const i = pickOf(indexes(d, isTenant), pick);
      d[i]!.spec = { ...d[i]!.spec, host: String(spec(d).rootHost ?? 'example.org') };
      return i;
    },
  },
  {
    name: 'tenant namespace over 63 characters',
    rule: 'namespace-too-long',
    applies: () => true,
    apply: (d) => {
      d.push({ apiVersion: APPS_API, kind: 'Tenant', metadata: { name: 'n'.repeat(57), namespace: 'tenant-root' }, spec: { host: 'long.example.org' } });
      return d.length - 1;
    },
  },
  {
    name: 'Bucket where no tenant runs seaweedfs',
    rule: 'missing-service',
    applies: (_, input) => !!Bundle.fromName(input.bundle).component('bucket-rd'),
    apply: (d) => {
      spec(d).rootTenant = { seaweedfs: false };
      for (const t of d.filter(isTenant)) t.spec = { ...t.spec, seaweedfs: false };
      d.push({ apiVersion: APPS_API, kind: 'Bucket', metadata: { name: 'files', namespace: 'tenant-root' }, spec: {} });
      return d.length - 1;
    },
  },
  {
    name: 'app of a kind the bundle does not serve',
    rule: 'kind-not-served',
    applies: (_, input) => !Bundle.fromName(input.bundle).component('postgres-rd'),
    apply: (d) => {
      d.push({ apiVersion: APPS_API, kind: 'Postgres', metadata: { name: 'db', namespace: 'tenant-root' }, spec: {} });
      return d.length - 1;
    },
  },
];

function optionalNotEnabled(d: readonly Doc[], input: Input): string[] {
  const s = d[0]!.spec as { components?: { enable?: string[] }; oidc?: { enabled?: boolean } };
  return Bundle.fromName(input.bundle)
    .components.filter((c) => c.optional && !c.requiresOidc && !(s.components?.enable ?? []).includes(c.name))
    .map((c) => c.name);
}

// ------------------------------------------------------------------ properties

describe('properties of generated platforms', () => {
  it('valid input always synthesizes', () => {
    fc.assert(
      fc.property(INPUT, fc.integer({ min: 1, max: 4 }), (input, perFile) => {
        const files = synthesize(inFiles(documentsOf(input), perFile));
        expect(files.size).toBeGreaterThan(0);
        expect(files.has('kustomization.yaml')).toBe(true);
        const explicit = (input.platform.spec as { tenantRendering?: string }).tenantRendering === 'explicit';
        input.tenants.forEach((t, i) => {
          const ns = namespaceOf(input.tenants, i);
          const file = explicit ? `tenants/${ns}/namespace-${ns}.yaml` : `tenants/${namespaceOf(input.tenants, t.parent)}/helmrelease-tenant-${t.name}.yaml`;
          expect(files.has(file), file).toBe(true);
        });
        for (const a of input.apps) {
          const prefix = APP_DEFINITIONS.find((d) => d.kind === a.kind)!.prefix;
          const file = `tenants/${String(a.metadata!.namespace)}/helmrelease-${prefix}${String(a.metadata!.name)}.yaml`;
          expect(files.has(file), file).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  // Every mutation kind runs in every run: one test per kind, random only for the platform around
  // it (fixed seed, test/support/fast-check-seed.ts), on inputs the mutation applies to.
  const reported = new Set<string>();
  for (const m of MUTATIONS) {
    it(`mutation "${m.name}" is reported as [${m.rule}], naming the document`, () => {
      fc.assert(
        fc.property(
          INPUT.filter((input) => m.applies(documentsOf(input), input)),
          fc.nat(),
          (input, pick) => {
            const docs = structuredClone(documentsOf(input));
            const at = m.apply(docs, pick, input);
            const laid = inFiles(docs, 3);
            const where = `${laid[at]!.file}#${laid[at]!.index}`;
            const problems = problemsOf(laid);
            const named = problems.filter((p) => p.rule === m.rule && p.subject.split(/[ ,]/).includes(where));
            expect(named, `${m.name}: expected [${m.rule}] naming ${where}, got:\n${problems.map((p) => `${p.subject} ${p.path}: ${p.message} [${p.rule}]`).join('\n')}`).not.toEqual([]);
            // Every problem names a document (file#n) and a rule.
            for (const p of problems) {
              expect(p.subject, `${m.name}: ${p.message}`).toMatch(/^input-\d+\.yaml#\d+\b/);
              expect(p.rule).toMatch(/^[a-z][a-zA-Z-]*$/);
            }
          },
        ),
        { numRuns: MUTATION_RUNS },
      );
      reported.add(m.name);
    });
  }

  it('every mutation of the list was applied in this run and reported by its rule', () => {
    // Filled by the tests above (same file, run in order): a mutation is here only once its rule
    // was reported, naming the document, on every generated input it was applied to.
    expect(MUTATIONS.length).toBe(28);
    expect([...reported].sort()).toEqual(MUTATIONS.map((m) => m.name).sort());
  });

  it('the output does not depend on the order of the documents nor on the files they are in', () => {
    fc.assert(
      fc.property(
        INPUT.chain((input) => {
          const docs = documentsOf(input);
          return fc.tuple(fc.constant(docs), fc.shuffledSubarray(docs, { minLength: docs.length, maxLength: docs.length }), fc.integer({ min: 1, max: 5 }));
        }),
        ([docs, shuffled, perFile]) => {
          const ordered = synthesize(inFiles(docs, docs.length, 'all'));
          const mixed = synthesize(inFiles(shuffled, perFile, 'part'));
          expect([...mixed.keys()]).toEqual([...ordered.keys()]);
          for (const [path, content] of ordered) expect(mixed.get(path), path).toBe(content);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// Tenants at v1.x against real helm: every tree recorded by scripts/record-tenant-renders.ts in
// releases/<tag>/tenant-renders/ (the upstream tenant chart of the tag rendered per tenant,
// parents first, and cozystack-basics, which renders the root's Namespace, values Secret and
// HelmRelease). cozystack-basics owns those three and its tenant-root HelmRelease (no values)
// renders the chart's objects of tenant-root with no values (the root-bare recording); the output
// holds what the root's settings add to that render and every other tenant's objects. A Platform of
// the same release with the same tree in explicit rendering emits exactly those objects, object
// for object, but for the deliberate differences of docs/tenants.md ("At v1.6"), each applied
// here to helm's objects by name. The expectations are the recordings, never the library.
import { Testing } from 'cdk8s';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Bundle, Platform, renderFiles, type Tenant, type TenantProps } from '../lib/index.js';
import { collectObjects } from '../lib/synthesis/synthesize.js';
import { releaseDir } from './support/reference.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: any }; [k: string]: any };
/* eslint-enable @typescript-eslint/no-explicit-any */
interface CaseTenant { name: string; namespace: string; release: string; releaseNamespace: string; parent?: string; values: Record<string, unknown>; objects: number }
interface Case { id: string; description: string; platformCase: string; apiVersions: string[]; parentNamespaceLookup?: unknown; tenants: CaseTenant[] }
interface Index { tag: string; commit: string; helm: string; cases: Case[] }

const VERSIONS = { 'v1.6.0': '1.6.0', 'v1.6.2': '1.6.2' } as const;
const HOOK = 'helm.sh/hook';
const key = (o: Obj): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => o !== null && typeof o === 'object');

function indexOf(tag: string): Index {
  return JSON.parse(readFileSync(join(releaseDir(tag), 'tenant-renders', 'cases.json'), 'utf8')) as Index;
}

/** Secrets compared by their values, quotas by their quantities as text. */
function normalized(o: Obj): Obj {
  const c = structuredClone(o);
  if (c.kind === 'Secret' && c.stringData?.['values.yaml'] !== undefined) c.stringData['values.yaml'] = parse(c.stringData['values.yaml']);
  if (c.kind === 'ResourceQuota') c.spec.hard = Object.fromEntries(Object.entries(c.spec.hard as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return c;
}

/** What helm renders for a case, with the deliberate differences of docs/tenants.md applied. */
function expectedOf(tag: string, c: Case, rootOwnedByBasics = true): Map<string, Obj> {
  const dir = join(releaseDir(tag), 'tenant-renders', c.id);
  const out = new Map<string, Obj>();
  // What cozystack-basics' tenant-root HelmRelease renders (the chart with no values): not in the output.
  const bare = rootChartDefaults(tag);
  for (const t of c.tenants) {
    for (const o of docs(readFileSync(join(dir, `${t.namespace}.rendered.yaml`), 'utf8'))) {
      // Difference 5: no pre-delete cleanup hook.
      if (o.metadata.annotations?.[HOOK]) continue;
      if (rootOwnedByBasics && t.namespace === 'tenant-root' && (bare.has(key(o)) || o.kind === 'KeycloakRealmGroup')) continue;
      const x = structuredClone(o);
      // Module HelmReleases carry no Helm ownership labels (not applied by Helm here).
      if (x.kind === 'HelmRelease') {
        delete x.metadata.labels!['app.kubernetes.io/instance'];
        delete x.metadata.labels!['app.kubernetes.io/managed-by'];
      }
      // Difference 4: no ownerReference to the parent Namespace (the lookup-parent-namespace case has it).
      if (x.kind === 'Namespace') delete x.metadata.ownerReferences;
      // The default binding of tenant-root names its ServiceAccount once (helm: twice).
      if (x.kind === 'RoleBinding' && x.metadata.name === 'cozy:tenant' && t.namespace === 'tenant-root') {
        x.subjects = x.subjects.filter((s: unknown, i: number, all: unknown[]) => all.findIndex((y) => JSON.stringify(y) === JSON.stringify(s)) === i);
      }
      // Quirk 7: the parent chain of the policies is every ancestor; helm's stops below tenant-root from depth 2.
      const depth = t.namespace.split('-').length - 1;
      if (depth >= 2 && x.kind === 'CiliumClusterwideNetworkPolicy' && x.metadata.name === `${t.namespace}-egress`) {
        const [self, ...blocks] = x.spec.egress;
        x.spec.egress = [self, ...blocks.map((b: { toEndpoints: { matchLabels: Record<string, string> }[] }) => ({ toEndpoints: [{ matchLabels: { ...b.toEndpoints[0]!.matchLabels, 'k8s:io.kubernetes.pod.namespace': 'tenant-root' } }, ...b.toEndpoints] }))];
      }
      if (depth >= 2 && x.kind === 'CiliumClusterwideNetworkPolicy' && x.metadata.name === `${t.namespace}-ingress`) {
        const last = x.spec.ingress[x.spec.ingress.length - 1];
        last.fromEndpoints = [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'tenant-root' } }, ...last.fromEndpoints];
      }
      out.set(key(x), x);
    }
  }
  for (const [k, o] of out) {
    // Every tenant Namespace is kept and not pruned (Git ownership: docs/tenants.md).
    if (o.kind === 'Namespace') o.metadata.annotations = { ...o.metadata.annotations, 'helm.sh/resource-policy': 'keep', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    out.set(k, normalized(o));
  }
  return out;
}

/**
 * The keys of what the tenant chart renders for tenant-root with no values (the root-bare
 * recording: cozystack-basics' tenant-root HelmRelease has no values), and with OIDC its
 * KeycloakRealmGroups (they follow `_cluster.oidc-enabled`, not the values).
 */
function rootChartDefaults(tag: string): Set<string> {
  const dir = join(releaseDir(tag), 'tenant-renders', 'root-bare');
  return new Set(docs(readFileSync(join(dir, 'tenant-root.rendered.yaml'), 'utf8')).map(key));
}

/** The Platform of the same release with the case's tree, explicit rendering: its tenant objects. */
function actualOf(tag: keyof typeof VERSIONS, c: Case): Map<string, Obj> {
  const values = parse(readFileSync(join(releaseDir(tag), 'renders', c.platformCase, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const app = Testing.app();
  const rootValues = c.tenants.find((t) => t.namespace === 'tenant-root')!.values as TenantProps;
  const platform = new Platform(app, 'platform', {
    bundle: Bundle.PAAS_FULL,
    version: VERSIONS[tag],
    variant: 'isp-full',
    platformValues: values,
    tenantRendering: 'explicit',
    rootTenant: { etcd: rootValues.etcd === true, ingress: rootValues.ingress === true, monitoring: rootValues.monitoring === true, seaweedfs: rootValues.seaweedfs === true },
  });
  const byNamespace = new Map<string, Tenant>([['tenant-root', platform.rootTenant]]);
  for (const t of c.tenants) if (t.parent) byNamespace.set(t.namespace, byNamespace.get(t.parent)!.addTenant(t.name, t.values as TenantProps));
  const objects = collectObjects(app) as unknown as Obj[];
  const mine = objects.filter((o) => {
    const { name, namespace } = o.metadata;
    if (o.kind === 'Namespace') return name.startsWith('tenant-');
    if (o.kind === 'CiliumClusterwideNetworkPolicy') return name.startsWith('tenant-');
    if (namespace === 'cozy-public') return /^cozy:tenant-/.test(name);
    return (namespace ?? '').startsWith('tenant-');
  });
  return new Map(mine.map((o) => [key(o), normalized(o)]));
}

describe.each(Object.keys(VERSIONS) as (keyof typeof VERSIONS)[])('the v1 tenant chart at %s against helm', (tag) => {
  const index = indexOf(tag);

  it('the recordings are of the tag, made with helm v4 (releases/<tag>/tenant-renders/README.md)', () => {
    expect(index.tag).toBe(tag);
    expect(index.helm).toMatch(/^v4\./);
    expect(index.cases.map((c) => c.id)).toEqual(['root-bare', 'tree', 'hosts-and-scheduling', 'gateway', 'oidc', 'lookup-parent-namespace']);
  });

  it('cozystack-basics renders tenant-root\'s Namespace, values Secret and HelmRelease, the HelmRelease without values (root-bare is its render)', () => {
    for (const c of index.cases) {
      const basics = docs(readFileSync(join(releaseDir(tag), 'tenant-renders', c.id, 'cozystack-basics.rendered.yaml'), 'utf8'));
      const root = basics.filter((x) => x.metadata.namespace === 'tenant-root' || (x.kind === 'Namespace' && x.metadata.name === 'tenant-root'));
      expect(root.map(key).sort()).toEqual(['HelmRelease tenant-root/tenant-root', 'Namespace /tenant-root', 'Secret tenant-root/cozystack-values']);
      const hr = root.find((x) => x.kind === 'HelmRelease')!;
      expect(hr.spec.values).toBeUndefined();
      expect(hr.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'cozystack-values' }]);
    }
    expect(index.cases[0]!.tenants[0]!.values).toEqual({});
  });

  it('what the root\'s values add to the chart\'s render of tenant-root are objects of their own: the objects both renders have are equal', () => {
    const bare = new Map(docs(readFileSync(join(releaseDir(tag), 'tenant-renders', 'root-bare', 'tenant-root.rendered.yaml'), 'utf8')).map((o) => [key(o), o]));
    for (const c of index.cases.filter((x) => x.platformCase === 'isp-full.defaults' && x.id !== 'root-bare')) {
      const full = new Map(docs(readFileSync(join(releaseDir(tag), 'tenant-renders', c.id, 'tenant-root.rendered.yaml'), 'utf8')).map((o) => [key(o), o]));
      for (const [k, o] of bare) expect(full.get(k), `${c.id}: ${k}`).toEqual(o);
      expect([...full.keys()].filter((k) => !bare.has(k)).length, c.id).toBeGreaterThan(0);
    }
  });

  it.each(index.cases.map((c) => [c.id, c] as const))('%s: in both renderings and modes the output has no tenant-root Namespace, values Secret or HelmRelease, and the root\'s objects are what its values add', (_id, c) => {
    const rootValues = c.tenants.find((t) => t.namespace === 'tenant-root')!.values;
    const b = (k: string): boolean => rootValues[k] === true;
    const values = parse(readFileSync(join(releaseDir(tag), 'renders', c.platformCase, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const dir = join(releaseDir(tag), 'tenant-renders', c.id);
    const bare = rootChartDefaults(tag);
    const expected = docs(readFileSync(join(dir, 'tenant-root.rendered.yaml'), 'utf8'))
      .filter((o) => !bare.has(key(o)) && o.kind !== 'KeycloakRealmGroup' && !o.metadata.annotations?.[HOOK])
      .map((o) => {
        const x = structuredClone(o);
        if (x.kind === 'HelmRelease') {
          delete x.metadata.labels!['app.kubernetes.io/instance'];
          delete x.metadata.labels!['app.kubernetes.io/managed-by'];
        }
        return normalized(x);
      });
    for (const tenantRendering of ['release', 'explicit'] as const) {
      for (const mode of ['flux', 'operator'] as const) {
        const app = Testing.app();
        const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, version: VERSIONS[tag], variant: 'isp-full', platformValues: values, mode, tenantRendering, rootTenant: { etcd: b('etcd'), ingress: b('ingress'), monitoring: b('monitoring'), seaweedfs: b('seaweedfs') } });
        expect(platform.rootTenantOwner).toBe('cozystack-basics');
        const objects = collectObjects(app) as unknown as Obj[];
        const root = objects.filter((o) => o.metadata.namespace === 'tenant-root' || (o.kind === 'Namespace' && o.metadata.name === 'tenant-root') || (o.kind === 'CiliumClusterwideNetworkPolicy' && o.metadata.name.startsWith('tenant-root-')));
        expect(root.map(key).sort(), `${tenantRendering} ${mode}`).toEqual(expected.map(key).sort());
        for (const o of expected) expect(normalized(root.find((x) => key(x) === key(o))!), `${tenantRendering} ${mode} ${key(o)}`).toEqual(o);
        // Which cozystack-basics renders them: its HelmRelease (flux mode) or its Package (operator mode).
        if (mode === 'flux') expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cozystack-basics' && o.metadata.namespace === 'cozy-system')).toBe(true);
        else expect(objects.some((o) => o.kind === 'Package' && o.metadata.name === 'cozystack.cozystack-basics')).toBe(true);
      }
    }
  });

  it.each(index.cases.map((c) => [c.id, c] as const))('%s: the same objects as helm renders, object for object', (_id, c) => {
    const expected = expectedOf(tag, c);
    const actual = actualOf(tag, c);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, o] of expected) expect(actual.get(k), k).toEqual(o);
  });
});

describe('who owns tenant-root when the platform does not install cozystack-basics', () => {
  it.each([
    ['cozystack-basics disabled', { components: { disable: ['cozystack-basics'] } }],
    ['isp-hosted at 1.6.2 (its chart renders no cozystack-basics)', { bundle: Bundle.PAAS_HOSTED }],
  ] as const)('%s: the output writes the Namespace, values Secret and HelmRelease', (_, props) => {
    const app = Testing.app();
    const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443', ...props });
    expect(platform.rootTenantOwner).toBe('output');
    const keys = (collectObjects(app) as unknown as Obj[]).map(key);
    for (const k of ['Namespace /tenant-root', 'Secret tenant-root/cozystack-values', 'HelmRelease tenant-root/tenant-root']) expect(keys).toContain(k);
  });

  it('a setting of the root changes files of the output (what synth writes and diff compares)', () => {
    const files = (rootTenant: Record<string, unknown>) => {
      const app = Testing.app();
      new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443', rootTenant });
      return [...renderFiles(app).keys()].filter((f) => f.includes('tenant-root'));
    };
    const on = files({});
    const off = files({ etcd: false, resourceQuotas: { cpu: '4' } });
    expect(on).toContain('tenants/tenant-root/helmrelease-etcd.yaml');
    expect(off).not.toContain('tenants/tenant-root/helmrelease-etcd.yaml');
    expect(off).toContain('tenants/tenant-root/resourcequota-tenant-quota.yaml');
    for (const f of [...on, ...off]) expect(f).not.toMatch(/namespace-tenant-root|secret-cozystack-values|helmrelease-tenant-root/);
  });

  it.each(Object.keys(VERSIONS) as (keyof typeof VERSIONS)[])('%s, cozystack-basics disabled, explicit rendering: the root\'s objects are what the tenant chart renders for tenant-root with no values (root-bare)', (tag) => {
    const c = indexOf(tag).cases.find((x) => x.id === 'root-bare')!;
    const expected = expectedOf(tag, c, false);
    const values = parse(readFileSync(join(releaseDir(tag), 'renders', c.platformCase, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const app = Testing.app();
    const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, version: VERSIONS[tag], variant: 'isp-full', platformValues: values, tenantRendering: 'explicit', components: { disable: ['cozystack-basics'] }, rootTenant: { etcd: false, ingress: false, monitoring: false, seaweedfs: false } });
    expect(platform.rootTenantOwner).toBe('output');
    const actual = new Map((collectObjects(app) as unknown as Obj[]).map((o) => [key(o), normalized(o)]));
    // The parent chain of the root is empty: its egress and ingress policies have no block for it.
    expect([...expected.keys()]).toEqual(expect.arrayContaining(['CiliumClusterwideNetworkPolicy /tenant-root-egress', 'CiliumClusterwideNetworkPolicy /tenant-root-ingress']));
    for (const [k, o] of expected) expect(actual.get(k), k).toEqual(o);
  });

  it('v0.41.11: the platform chart writes them, as before', () => {
    const platform = new Platform(Testing.app(), 'platform', { bundle: Bundle.PAAS_FULL, version: '0.41.11', rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' });
    expect(platform.rootTenantOwner).toBe('output');
  });
});

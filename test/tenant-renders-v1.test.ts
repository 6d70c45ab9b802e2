// Tenants at v1.x against real helm: every tree recorded by scripts/record-tenant-renders.ts in
// releases/<tag>/tenant-renders/ (the upstream tenant chart of the tag rendered per tenant,
// parents first, and cozystack-basics for the root's Namespace and values Secret). A Platform of
// the same release with the same tree in explicit rendering emits exactly those objects, object
// for object, but for the deliberate differences of docs/tenants.md ("At v1.6"), each applied
// here to helm's objects by name. The expectations are the recordings, never the library.
import { Testing } from 'cdk8s';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Bundle, Platform, type Tenant, type TenantProps } from '../lib/index.js';
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
function expectedOf(tag: string, c: Case): Map<string, Obj> {
  const dir = join(releaseDir(tag), 'tenant-renders', c.id);
  const out = new Map<string, Obj>();
  const basics = docs(readFileSync(join(dir, 'cozystack-basics.rendered.yaml'), 'utf8'));
  // The root's Namespace and values Secret are cozystack-basics' (its HelmRelease is the release rendering's).
  for (const o of basics.filter((x) => (x.kind === 'Namespace' && x.metadata.name === 'tenant-root') || (x.kind === 'Secret' && x.metadata.namespace === 'tenant-root'))) out.set(key(o), structuredClone(o));
  for (const t of c.tenants) {
    for (const o of docs(readFileSync(join(dir, `${t.namespace}.rendered.yaml`), 'utf8'))) {
      // Difference 5: no pre-delete cleanup hook.
      if (o.metadata.annotations?.[HOOK]) continue;
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
  // The root's _namespace names the services the root runs (quirk 4: by default all four; upstream names tenant-root whatever it runs).
  const rootValues = c.tenants.find((t) => t.namespace === 'tenant-root')!.values;
  const rootSecret = out.get('Secret tenant-root/cozystack-values')!;
  for (const s of ['etcd', 'ingress', 'monitoring', 'seaweedfs']) if (rootValues[s] !== true) rootSecret.stringData['values.yaml']._namespace[s] = '';
  return out;
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

  it.each(index.cases.map((c) => [c.id, c] as const))('release rendering, %s: tenant-root\'s Namespace, values Secret and HelmRelease are those cozystack-basics renders, with the root\'s values', (_id, c) => {
    const basics = docs(readFileSync(join(releaseDir(tag), 'tenant-renders', c.id, 'cozystack-basics.rendered.yaml'), 'utf8'));
    const rootValues = c.tenants.find((t) => t.namespace === 'tenant-root')!.values;
    const expected = new Map<string, Obj>();
    for (const o of basics.filter((x) => x.metadata.namespace === 'tenant-root' || (x.kind === 'Namespace' && x.metadata.name === 'tenant-root'))) {
      const x = structuredClone(o);
      // Git ownership: what the chart keeps or protects is not pruned by Flux (README), every tenant Namespace is kept.
      x.metadata.annotations = { ...x.metadata.annotations, ...(x.kind === 'Secret' ? {} : { 'helm.sh/resource-policy': 'keep', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }) };
      if (x.kind === 'Secret') delete x.metadata.annotations;
      // The HelmRelease states the root's host and its four services as set (quirk 4); cozystack-basics' has no values.
      if (x.kind === 'HelmRelease') x.spec.values = { host: 'example.org', ...Object.fromEntries(['etcd', 'ingress', 'monitoring', 'seaweedfs'].map((k) => [k, rootValues[k] === true])) };
      expected.set(key(x), normalized(x));
    }
    const values = parse(readFileSync(join(releaseDir(tag), 'renders', c.platformCase, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const app = Testing.app();
    const b = (k: string): boolean => rootValues[k] === true;
    new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, version: VERSIONS[tag], variant: 'isp-full', platformValues: values, rootTenant: { etcd: b('etcd'), ingress: b('ingress'), monitoring: b('monitoring'), seaweedfs: b('seaweedfs') } });
    const actual = new Map((collectObjects(app) as unknown as Obj[]).filter((o) => o.metadata.namespace === 'tenant-root' || (o.kind === 'Namespace' && o.metadata.name === 'tenant-root')).map((o) => [key(o), normalized(o)]));
    // The root's _namespace names the services it runs (see expectedOf).
    const secret = expected.get('Secret tenant-root/cozystack-values')!;
    for (const s of ['etcd', 'ingress', 'monitoring', 'seaweedfs']) if (!b(s)) secret.stringData['values.yaml']._namespace[s] = '';
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, o] of expected) expect(actual.get(k), k).toEqual(o);
  });

  it.each(index.cases.map((c) => [c.id, c] as const))('%s: the same objects as helm renders, object for object', (_id, c) => {
    const expected = expectedOf(tag, c);
    const actual = actualOf(tag, c);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, o] of expected) expect(actual.get(k), k).toEqual(o);
  });
});

// lib/model/tenant-model.ts, its pure functions on their own, against the helm renders of the
// v1.6.2 tenant chart and cozystack-basics (releases/v1.6.2/tenant-renders, cases.json): for each
// tenant of each case the model built from the case's values gives the Namespace labels and the
// `_namespace` values helm rendered (the root's from cozystack-basics, the others' from the
// tenant chart), and the HelmRelease values are the case's values. The v0.41.11 rules (no
// Gateway, no SchedulingClass, `isolated` passed on, the four services of docs/tenants.md) and
// the namespace rule of docs/tenants.md (`tenant-root`, `tenant-<name>`, `<parent>-<name>`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { Values } from '../lib/core/values.js';
import { releaseOf } from '../lib/releases/profiles.js';
import {
  ACCESS_LEVELS,
  groupCollisions,
  namespaceLabels,
  namespaceValues,
  QUOTA_BARE_KEYS,
  releaseValues,
  ROOT_TENANT_NAMESPACE,
  TENANT_KEYS,
  TENANT_SERVICES,
  tenantChartOf,
  tenantGateway,
  tenantGroups,
  tenantHost,
  tenantKeysAt,
  tenantNamespace,
  tenantSchedulingClass,
  tenantServices,
  type TenantChartGeneration,
  type TenantModel,
  type TenantProps,
} from '../lib/model/tenant-model.js';

const DIR = join(import.meta.dirname, '..', 'releases', 'v1.6.2', 'tenant-renders');
type Case = { id: string; tenants: { name: string; namespace: string; parent?: string; values: TenantProps }[] };
const CASES = (JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; stringData?: Record<string, string> };
const rendered = (id: string, file: string): Obj[] => parseAllDocuments(readFileSync(join(DIR, id, file), 'utf8')).map((d) => d.toJS() as Obj).filter(Boolean);

/** A tenant built the way the Tenant construct builds it, from the pure functions. */
function model(parent: TenantModel | undefined, name: string, settings: TenantProps, chart: TenantChartGeneration, rootHost: string, clusterValues: Values): TenantModel {
  const namespace = tenantNamespace(parent, name);
  const t: TenantModel = {
    tenantName: name,
    namespace,
    host: tenantHost(parent, name, settings, rootHost),
    ...(parent ? { parent } : {}),
    ancestors: parent ? [...parent.ancestors, parent] : [],
    settings,
    services: tenantServices(parent, namespace, settings),
    groups: tenantGroups(namespace),
    isRoot: !parent,
    tenantChart: chart,
    gatewayNamespace: tenantGateway(parent, namespace, settings, chart, clusterValues),
    schedulingClass: tenantSchedulingClass(parent, settings, chart),
    runs: () => false,
  };
  return t;
}

describe('tenants of the v1.6.2 chart, against its helm renders', () => {
  for (const c of CASES) {
    it(`case ${c.id}: Namespace labels, _namespace values and release values`, () => {
      const rootValues = parse(readFileSync(join(DIR, c.id, 'tenant-root.values.yaml'), 'utf8')) as { _cluster: Values };
      const cluster = rootValues._cluster;
      const byNs = new Map<string, TenantModel>();
      for (const t of c.tenants) {
        const parent = t.parent === undefined ? undefined : byNs.get(t.parent)!;
        const m = model(parent, t.name, t.values, 'v1', String(cluster['root-host']), cluster);
        expect(m.namespace).toBe(t.namespace);
        byNs.set(m.namespace, m);
        const objects = rendered(c.id, m.isRoot ? 'cozystack-basics.rendered.yaml' : `${m.namespace}.rendered.yaml`);
        const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === m.namespace)!;
        expect(namespaceLabels(m), `${c.id} ${m.namespace} labels`).toEqual(ns.metadata.labels);
        const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'cozystack-values' && o.metadata.namespace === m.namespace)!;
        const values = parse(secret.stringData!['values.yaml']!) as { _namespace: Record<string, unknown> };
        expect(namespaceValues(m), `${c.id} ${m.namespace} _namespace`).toEqual(values._namespace);
        // `isolated` is no key of the v1 chart (the library warns about it as unknown): not passed on.
        const { isolated: _isolated, ...expected } = t.values;
        if (!m.isRoot) expect(releaseValues(m), `${c.id} ${m.namespace} values`).toEqual(expected);
      }
    });
  }

  it('the root release values: its host and the four services on unless set', () => {
    const root = model(undefined, 'root', { monitoring: false, gateway: true, schedulingClass: 'x', resourceQuotas: { cpu: '4' } }, 'v1', 'example.org', {});
    expect(releaseValues(root)).toEqual({ host: 'example.org', etcd: true, ingress: true, monitoring: false, seaweedfs: true, resourceQuotas: { cpu: '4' } });
    expect(root.schedulingClass).toBeUndefined();
    expect(root.gatewayNamespace).toBeUndefined();
    expect(model(undefined, 'root', {}, 'v1', 'example.org', { 'gateway-enabled': true }).gatewayNamespace).toBe('tenant-root');
    expect(model(undefined, 'root', {}, 'v1', 'example.org', { 'gateway-enabled': 'yes' }).gatewayNamespace).toBeUndefined();
  });
});

describe('tenants of the v0.41.11 chart', () => {
  const root = model(undefined, 'root', {}, 'v0', 'example.org', { 'gateway-enabled': 'true' });
  const foo = model(root, 'foo', { etcd: true, isolated: false, gateway: true, schedulingClass: 'gold', host: 'shop.example.org' }, 'v0', 'example.org', {});
  const bar = model(foo, 'bar', { resourceQuotas: { cpu: 2 } }, 'v0', 'example.org', {});

  it('no Gateway nor SchedulingClass; isolated passed on, gateway and schedulingClass not', () => {
    expect([root.gatewayNamespace, foo.gatewayNamespace, foo.schedulingClass, bar.schedulingClass]).toEqual([undefined, undefined, undefined, undefined]);
    expect(releaseValues(foo)).toEqual({ host: 'shop.example.org', etcd: true, isolated: false });
    expect(releaseValues(bar)).toEqual({ resourceQuotas: { cpu: 2 } });
    expect(releaseValues(root)).toEqual({ host: 'example.org', etcd: true, ingress: true, monitoring: true, seaweedfs: true });
  });

  it('Namespace labels: every ancestor, each service provider, the host, the memory ratio except the root', () => {
    expect(namespaceLabels(bar)).toEqual({
      'tenant.cozystack.io/tenant-root': '',
      'tenant.cozystack.io/tenant-foo': '',
      'tenant.cozystack.io/tenant-foo-bar': '',
      'namespace.cozystack.io/etcd': 'tenant-foo',
      'namespace.cozystack.io/ingress': 'tenant-root',
      'namespace.cozystack.io/monitoring': 'tenant-root',
      'namespace.cozystack.io/seaweedfs': 'tenant-root',
      'namespace.cozystack.io/host': 'bar.shop.example.org',
      'alpha.kubevirt.io/auto-memory-limits-ratio': '1.0',
    });
    expect(namespaceLabels(root)).toEqual({
      'tenant.cozystack.io/tenant-root': '',
      'namespace.cozystack.io/etcd': 'tenant-root',
      'namespace.cozystack.io/ingress': 'tenant-root',
      'namespace.cozystack.io/monitoring': 'tenant-root',
      'namespace.cozystack.io/seaweedfs': 'tenant-root',
      'namespace.cozystack.io/host': 'example.org',
    });
    expect(namespaceValues(bar)).toEqual({ etcd: 'tenant-foo', ingress: 'tenant-root', monitoring: 'tenant-root', seaweedfs: 'tenant-root', host: 'bar.shop.example.org' });
  });

  it('a service nobody runs is the empty string', () => {
    const bare = model(undefined, 'root', { etcd: false, ingress: false, monitoring: false, seaweedfs: false }, 'v0', 'example.org', {});
    const child = model(bare, 'a', {}, 'v0', 'example.org', {});
    expect(child.services).toEqual({ etcd: undefined, ingress: undefined, monitoring: undefined, seaweedfs: undefined });
    expect(namespaceValues(child)).toEqual({ etcd: '', ingress: '', monitoring: '', seaweedfs: '', host: 'a.example.org' });
    expect(namespaceLabels(child)['namespace.cozystack.io/etcd']).toBe('');
    const v1root = model(undefined, 'root', { etcd: false, ingress: false, monitoring: false, seaweedfs: false }, 'v1', 'example.org', {});
    const v1child = model(v1root, 'a', {}, 'v1', 'example.org', {});
    expect(namespaceValues(v1root)).toEqual({ host: 'example.org', etcd: '', ingress: '', monitoring: '', seaweedfs: '' });
    expect(namespaceValues(v1child)).toEqual({ etcd: '', ingress: '', gateway: '', monitoring: '', seaweedfs: '', host: 'a.example.org' });
    expect(namespaceLabels(v1child)).toMatchObject({ 'namespace.cozystack.io/etcd': '', 'namespace.cozystack.io/ingress': '', 'namespace.cozystack.io/monitoring': '', 'namespace.cozystack.io/seaweedfs': '' });
  });
});

describe('names, hosts and groups (docs/tenants.md)', () => {
  const root = model(undefined, 'root', {}, 'v1', 'example.org', {});
  const foo = model(root, 'foo', {}, 'v1', 'example.org', {});

  it('namespaces: tenant-root, tenant-<name> under the root, <parent>-<name> deeper', () => {
    expect(ROOT_TENANT_NAMESPACE).toBe('tenant-root');
    expect(tenantNamespace(undefined, 'anything')).toBe('tenant-root');
    expect(tenantNamespace(root, 'foo')).toBe('tenant-foo');
    expect(tenantNamespace(foo, 'bar')).toBe('tenant-foo-bar');
  });

  it('hosts: the one set, else <name>.<parent host>, none under a parent without one; the root has the platform host', () => {
    expect(tenantHost(undefined, 'root', {}, 'example.org')).toBe('example.org');
    expect(tenantHost(undefined, 'root', { host: 'other.org' }, 'example.org')).toBe('other.org');
    expect(tenantHost(foo, 'bar', {}, 'x')).toBe('bar.foo.example.org');
    expect(tenantHost(foo, 'bar', { host: '' }, 'x')).toBe('bar.foo.example.org');
    expect(tenantHost({ ...foo, host: '' }, 'bar', {}, 'x')).toBe('');
  });

  it('groups <namespace>-<level>, the four levels lowest first', () => {
    expect(ACCESS_LEVELS).toEqual(['view', 'use', 'admin', 'super-admin']);
    expect(tenantGroups('tenant-foo')).toEqual({ view: 'tenant-foo-view', use: 'tenant-foo-use', admin: 'tenant-foo-admin', superAdmin: 'tenant-foo-super-admin' });
  });

  it('group collisions: tenant-a-super-admin is the admin group of tenant-a-super and the super-admin group of tenant-a', () => {
    const exists = (ns: string): boolean => ['tenant-a', 'tenant-a-super', 'tenant-x-view'].includes(ns);
    expect(groupCollisions('tenant-a-super', exists)).toEqual([{ group: 'tenant-a-super-admin', level: 'admin', owner: 'tenant-a', otherLevel: 'super-admin' }]);
    expect(groupCollisions('tenant-a', exists)).toEqual([{ group: 'tenant-a-super-admin', level: 'super-admin', owner: 'tenant-a-super', otherLevel: 'admin' }]);
    expect(groupCollisions('tenant-x-view', () => false)).toEqual([]);
    // tenant-x-view-use is tenant-x-view's use group; tenant-x has no such namespace here.
    expect(groupCollisions('tenant-x-view', (ns) => ns === 'tenant-x')).toEqual([]);
    expect(groupCollisions('tenant-x', (ns) => ns === 'tenant-x-view')).toEqual([]);
    expect(groupCollisions('tenant-b-super', (ns) => ns === 'tenant-b-super')).toEqual([]);
    // Only a level at the end of a group names another owner, whatever namespaces exist.
    expect(groupCollisions('tenant-a', () => true)).toEqual([{ group: 'tenant-a-super-admin', level: 'super-admin', owner: 'tenant-a-super', otherLevel: 'admin' }]);
  });

  it('constants: the four services, the v0 keys, the quota keys without a prefix', () => {
    expect(TENANT_SERVICES).toEqual(['etcd', 'ingress', 'monitoring', 'seaweedfs']);
    expect(TENANT_KEYS).toEqual(['host', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'isolated', 'resourceQuotas']);
    for (const k of ['pods', 'services', 'services.loadbalancers', 'services.nodeports', 'services.clusterip', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']) expect(QUOTA_BARE_KEYS.has(k), k).toBe(true);
    expect(QUOTA_BARE_KEYS.size).toBe(10);
  });

  it('the chart of a release and its keys: v0 at 0.41.11, v1 with the schema keys of the release catalog', () => {
    expect(tenantChartOf(releaseOf('0.41.11')!)).toBe('v0');
    expect(tenantChartOf(releaseOf('1.6.2')!)).toBe('v1');
    expect(tenantKeysAt(releaseOf('0.41.11')!)).toBe(TENANT_KEYS);
    const keys = [...tenantKeysAt(releaseOf('1.6.2')!)];
    expect(keys).toEqual(expect.arrayContaining(['host', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'gateway', 'schedulingClass', 'resourceQuotas']));
    expect(keys).not.toContain('isolated');
  });
});

// The objects of a tenant in both renderings, each platform built inside its test (so that a
// change to the renderings fails a test, not the loading of the file). Expectations from
// docs/tenants.md ("Two renderings": the object names per tenant, `isolated` true by default,
// quota objects only when `resourceQuotas` is set) and from upstream: the module kinds and their
// ExternalArtifacts are those of the resource definitions of v1.6.2
// (packages/system/<module>-rd/cozyrds/<module>.yaml: `spec.application.kind`,
// `spec.release.chartRef.name`), the chart folders of v0.41.11 are packages/extra/<module> and
// packages/apps/tenant (releases/v0.41.11/upstream), and the Cilium kinds are those of the
// Cilium resource definitions (releases/cilium/upstream/cilium.io).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectObjects, type KubeObject } from '../lib/index.js';
import { synthPlatform } from './support/synth.js';

const repo = (path: string): URL => new URL(`../${path}`, import.meta.url);
const MODULES = ['etcd', 'ingress', 'monitoring', 'seaweedfs', 'info'] as const;
const rd = (m: string) =>
  parse(readFileSync(repo(`releases/v1.6.2/upstream/packages/system/${m}-rd/cozyrds/${m}.yaml`), 'utf8')) as {
    spec: { application: { kind: string }; release: { chartRef: { name: string } } };
  };
/** The kind a Cilium schema describes (its description starts with the kind's name). */
const ciliumKind = (file: string): string => (JSON.parse(readFileSync(repo(`releases/cilium/upstream/cilium.io/${file}`), 'utf8')) as { description: string }).description.split(' ')[0]!;

type Props = Parameters<typeof synthPlatform>[0];
function build(rendering: 'explicit' | 'release', add: (root: ReturnType<typeof synthPlatform>['platform']['rootTenant']) => void, props: Props = {}): KubeObject[] {
  const { platform, app } = synthPlatform({ tenantRendering: rendering, ...props });
  add(platform.rootTenant);
  return collectObjects(app);
}
const named = (objects: KubeObject[], kind: string, namespace?: string): string[] =>
  objects.filter((o) => o.kind === kind && o.metadata.namespace === namespace).map((o) => o.metadata.name).sort();
const one = (objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  expect(found, `${kind} ${namespace ?? ''}/${name}`).toHaveLength(1);
  return found[0]!;
};
/* eslint-disable @typescript-eslint/no-explicit-any */
const spec = (o: KubeObject): any => o.spec;
/* eslint-enable @typescript-eslint/no-explicit-any */

const CNP_NAMES = ['allow-external-communication', 'allow-internal-communication', 'allow-to-apiserver', 'allow-to-cdi-upload-proxy', 'allow-to-dashboard', 'allow-to-dns', 'allow-to-ingress', 'allow-to-keycloak'];

describe('explicit rendering, built in the test', () => {
  it('emits a module HelmRelease per service the tenant runs, and info, with the kinds and artifacts of the upstream resource definitions', () => {
    const objects = build('explicit', (root) => root.addTenant('all', { etcd: true, ingress: true, monitoring: true, seaweedfs: true }));
    expect(named(objects, 'HelmRelease', 'tenant-all')).toEqual([...MODULES].sort());
    for (const m of MODULES) {
      const hr = one(objects, 'HelmRelease', m, 'tenant-all');
      const def = rd(m);
      expect(hr.metadata.labels?.['apps.cozystack.io/application.kind' as never]).toBe(def.spec.application.kind);
      expect(hr.metadata.labels?.['apps.cozystack.io/application.name' as never]).toBe(m);
      // The v1.6 chart's module HelmReleases name no releaseName (packages/apps/tenant/templates/<module>.yaml); 0.41.11's did (below).
      expect(spec(hr).releaseName).toBeUndefined();
      expect(spec(hr).chartRef).toEqual({ kind: 'ExternalArtifact', name: def.spec.release.chartRef.name, namespace: 'cozy-system' });
    }
  });

  it('names the release of each module at 0.41.11 after the module', () => {
    const objects = build('explicit', (root) => root.addTenant('all', { etcd: true, ingress: true, monitoring: true, seaweedfs: true }), { version: '0.41.11' });
    for (const m of MODULES) expect(spec(one(objects, 'HelmRelease', m, 'tenant-all')).releaseName).toBe(m);
  });

  it('at 0.41.11 a module HelmRelease retries forever and upgrades with force (the module shape of the v0.41 tenant chart)', () => {
    // Upstream cozystack/cozystack v0.41.11 packages/apps/tenant/templates/<module>.yaml: interval 5m,
    // timeout 10m, install.remediation.retries -1, upgrade.force true, upgrade.remediation.retries -1,
    // valuesFrom cozystack-values, no values.
    const objects = build('explicit', (root) => root.addTenant('all', { etcd: true, ingress: true, monitoring: true, seaweedfs: true }), { version: '0.41.11' });
    for (const m of MODULES) {
      const s = spec(one(objects, 'HelmRelease', m, 'tenant-all'));
      expect(s.interval, m).toBe('5m');
      expect(s.timeout, m).toBe('10m');
      expect(s.install, m).toEqual({ remediation: { retries: -1 } });
      expect(s.upgrade, m).toEqual({ force: true, remediation: { retries: -1 } });
      expect(s.valuesFrom, m).toEqual([{ kind: 'Secret', name: 'cozystack-values' }]);
      expect(s.values, m).toBeUndefined();
    }
  });

  it('takes the module charts from packages/extra/<module> of a v0.41 release, folders that exist upstream', () => {
    const objects = build('explicit', (root) => root.addTenant('all', { etcd: true, ingress: true, monitoring: true, seaweedfs: true }), { version: '0.41.11' });
    for (const m of MODULES) {
      const chart = spec(one(objects, 'HelmRelease', m, 'tenant-all')).chart.spec;
      expect(chart.chart).toBe(`packages/extra/${m}`);
      expect(existsSync(repo(`releases/v0.41.11/upstream/${chart.chart}`)), chart.chart).toBe(true);
      expect(chart.sourceRef.kind).toBe('GitRepository');
    }
  });

  it('isolates a tenant by default, and when isolated is true; not when it is false', () => {
    const objects = build('explicit', (root) => {
      root.addTenant('dflt');
      root.addTenant('yes', { isolated: true });
      root.addTenant('no', { isolated: false });
    }, { version: '0.41.11' });
    expect(named(objects, 'CiliumNetworkPolicy', 'tenant-dflt')).toEqual(CNP_NAMES);
    expect(named(objects, 'CiliumNetworkPolicy', 'tenant-yes')).toEqual(CNP_NAMES);
    expect(named(objects, 'CiliumNetworkPolicy', 'tenant-no')).toEqual([]);
    const ccnp = named(objects, 'CiliumClusterwideNetworkPolicy');
    expect(ccnp.filter((n) => n.startsWith('tenant-dflt'))).toEqual(['tenant-dflt-egress', 'tenant-dflt-ingress']);
    expect(ccnp.filter((n) => n.startsWith('tenant-no'))).toEqual([]);
  });

  it('writes the policies with the Cilium kinds and group', () => {
    const clusterwide = ciliumKind('ciliumclusterwidenetworkpolicy_v2.json');
    const namespaced = ciliumKind('ciliumnetworkpolicy_v2.json');
    expect([clusterwide, namespaced]).toEqual(['CiliumClusterwideNetworkPolicy', 'CiliumNetworkPolicy']);
    const objects = build('explicit', (root) => root.addTenant('net', { etcd: true, ingress: true }), { version: '0.41.11' });
    const cw = objects.filter((o) => o.metadata.name.startsWith('tenant-net-') && o.metadata.namespace === undefined && o.kind !== 'Namespace');
    expect(cw.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`).sort()).toEqual(
      ['tenant-net-egress', 'tenant-net-ingress', 'tenant-net-ingress-etcd', 'tenant-net-ingress-ingress'].map((n) => `cilium.io/v2 ${clusterwide} ${n}`),
    );
    for (const o of objects.filter((x) => x.metadata.namespace === 'tenant-net' && x.kind === namespaced)) expect(o.apiVersion).toBe('cilium.io/v2');
    expect(objects.filter((x) => x.metadata.namespace === 'tenant-net' && x.kind === namespaced)).toHaveLength(8);
  });

  it('names the level Roles and RoleBindings <ns>-<level>, next to the default ones <ns>', () => {
    const objects = build('explicit', (root) => root.addTenant('acl').addTenant('sub'), { version: '0.41.11' });
    const expected = ['tenant-acl-sub', 'tenant-acl-sub-admin', 'tenant-acl-sub-super-admin', 'tenant-acl-sub-use', 'tenant-acl-sub-view'];
    expect(named(objects, 'Role', 'tenant-acl-sub')).toEqual(expected);
    expect(named(objects, 'RoleBinding', 'tenant-acl-sub')).toEqual(expected);
    for (const n of expected) expect(one(objects, 'RoleBinding', n, 'tenant-acl-sub').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: n });
  });

  it('at v1.6 isolates every tenant (the chart has no isolated key, which is warned about) and binds the platform\'s ClusterRoles, with no Role of its own', () => {
    // packages/apps/tenant/templates/{networkpolicy,tenant}.yaml at v1.6.2: no `if .Values.isolated`, RoleBindings cozy:tenant[:<level>] to ClusterRoles.
    const { platform, app } = synthPlatform({ tenantRendering: 'explicit' });
    platform.rootTenant.addTenant('no', { isolated: false }).addTenant('sub');
    const objects = collectObjects(app);
    expect(named(objects, 'CiliumNetworkPolicy', 'tenant-no')).toEqual([...CNP_NAMES, 'allow-to-linstor-gui'].sort());
    expect(platform.warnings.some((w) => w.includes("unknown key 'isolated'"))).toBe(true);
    expect(named(objects, 'Role', 'tenant-no-sub')).toEqual([]);
    const bindings = ['cozy:tenant', 'cozy:tenant:admin', 'cozy:tenant:super-admin', 'cozy:tenant:use', 'cozy:tenant:view'];
    expect(named(objects, 'RoleBinding', 'tenant-no-sub')).toEqual(bindings);
    for (const n of bindings) expect(one(objects, 'RoleBinding', n, 'tenant-no-sub').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: n });
    expect(one(objects, 'RoleBinding', 'cozy:tenant-no-sub:dashboard', 'cozy-public').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cozy:tenant:dashboard' });
  });

  it('gives the same RBAC subjects to the same tenant however often it is rendered', () => {
    const first = build('explicit', (root) => root.addTenant('a').addTenant('b'));
    const second = build('explicit', (root) => root.addTenant('a').addTenant('b'));
    const subjects = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'RoleBinding').map((o) => [o.metadata.namespace, o.metadata.name, o.subjects]);
    expect(subjects(second)).toEqual(subjects(first));
  });

  it('emits no quota objects for an empty resourceQuotas (the default), and both for a set one', () => {
    const objects = build('explicit', (root) => {
      root.addTenant('empty', { resourceQuotas: {} });
      root.addTenant('set', { resourceQuotas: { pods: 1 } });
    });
    expect(objects.filter((o) => (o.kind === 'ResourceQuota' || o.kind === 'LimitRange') && o.metadata.namespace === 'tenant-empty')).toEqual([]);
    expect(named(objects, 'ResourceQuota', 'tenant-set')).toEqual(['tenant-quota']);
    expect(named(objects, 'LimitRange', 'tenant-set')).toEqual(['tenant-range-limits']);
  });

  it('writes the cluster values into every tenant values Secret, the same text each time', () => {
    const objects = build('explicit', (root) => {
      root.addTenant('a');
      root.addTenant('b');
    });
    const cluster = (ns: string) => parse(one(objects, 'Secret', 'cozystack-values', ns).stringData!['values.yaml' as never] as string)._cluster;
    // tenant-root's Secret is cozystack-basics' (not in the output at v1.6): the platform's _cluster.
    const platform = parse(one(objects, 'Secret', 'cozystack-values', 'cozy-system').stringData!['values.yaml' as never] as string)._cluster;
    expect(cluster('tenant-a')).toEqual(platform);
    expect(cluster('tenant-b')).toEqual(platform);
    expect(Object.keys(cluster('tenant-a')).length).toBeGreaterThan(0);
  });
});

describe('release rendering, built in the test', () => {
  it('a child Tenant is its HelmRelease only: the tenant chart it runs makes its Namespace and values Secret', () => {
    // helm's render of the v1.6.2 tenant chart for a child tenant has its Namespace (releases/v1.6.2/tenant-renders/tree/).
    const recorded = readFileSync(repo('releases/v1.6.2/tenant-renders/tree/tenant-foo.rendered.yaml'), 'utf8');
    expect(recorded).toMatch(/kind: Namespace\nmetadata:\n\s+name: "?tenant-foo"?/);
    for (const version of ['0.41.11', '1.6.2']) {
      const objects = build('release', (root) => root.addTenant('foo'), { version });
      expect(objects.filter((o) => o.metadata.name === 'tenant-foo' && o.kind === 'Namespace'), version).toEqual([]);
      expect(objects.filter((o) => o.metadata.namespace === 'tenant-foo'), version).toEqual([]);
      expect(one(objects, 'HelmRelease', 'tenant-foo', 'tenant-root').kind).toBe('HelmRelease');
    }
  });

  it('names each Tenant HelmRelease tenant-<name>, in the parent namespace, the root tenant-root', () => {
    const objects = build('release', (root) => root.addTenant('foo').addTenant('bar'), { version: '0.41.11' });
    const tenants = objects.filter((o) => o.kind === 'HelmRelease' && o.metadata.labels?.['apps.cozystack.io/application.kind' as never] === 'Tenant');
    expect(tenants.map((o) => `${o.metadata.namespace}/${o.metadata.name}/${spec(o).releaseName}/${o.metadata.labels?.['apps.cozystack.io/application.name' as never]}`).sort()).toEqual([
      'tenant-foo/tenant-bar/tenant-bar/bar',
      'tenant-root/tenant-foo/tenant-foo/foo',
      'tenant-root/tenant-root/tenant-root/tenant-root',
    ]);
  });

  it('takes the tenant chart from packages/apps/tenant of a v0.41 release, and the tenant artifact of v1.6', () => {
    const old = build('release', (root) => root.addTenant('foo'), { version: '0.41.11' });
    const chart = spec(one(old, 'HelmRelease', 'tenant-foo', 'tenant-root')).chart.spec.chart;
    expect(chart).toBe('packages/apps/tenant');
    expect(existsSync(repo(`releases/v0.41.11/upstream/${chart}`))).toBe(true);
    const current = build('release', (root) => root.addTenant('foo'));
    expect(spec(one(current, 'HelmRelease', 'tenant-foo', 'tenant-root')).chartRef.name).toBe(rd('tenant').spec.release.chartRef.name);
  });

  it('at v1.6 gives a child Tenant the HelmRelease of the release\'s Tenant definition, and tenant-root none (cozystack-basics renders it), or without cozystack-basics the one it renders', () => {
    // packages/system/tenant-rd/cozyrds/tenant.yaml (labels, chartRef) and the API's defaults (docs/apps.md); cozystack-basics' templates/tenant-root.yaml.
    const def = rd('tenant') as unknown as { spec: { release: { labels: Record<string, string>; chartRef: { name: string } } } };
    const objects = build('release', (root) => root.addTenant('foo', { gateway: true, schedulingClass: 'gold' }));
    const foo = one(objects, 'HelmRelease', 'tenant-foo', 'tenant-root');
    for (const [k, v] of Object.entries(def.spec.release.labels)) expect(foo.metadata.labels?.[k as never]).toBe(v);
    expect(spec(foo).releaseName).toBeUndefined();
    expect(spec(foo).maxHistory).toBe(5);
    expect(spec(foo).values).toEqual({ gateway: true, schedulingClass: 'gold' });
    // cozystack-basics renders tenant-root's HelmRelease on the cluster: the output has none (docs/tenants.md, "Who owns tenant-root").
    expect(objects.filter((o) => o.kind === 'HelmRelease' && o.metadata.name === 'tenant-root')).toEqual([]);
    // Without cozystack-basics the output writes it, in the shape cozystack-basics would.
    const root = one(build('release', () => undefined, { components: { disable: ['cozystack-basics'] } }), 'HelmRelease', 'tenant-root', 'tenant-root');
    expect(root.metadata.labels?.['platform.cozystack.io/no-delete' as never]).toBe('true');
    expect(spec(root)).toMatchObject({ interval: '1m0s', timeout: '15m0s', chartRef: { kind: 'ExternalArtifact', name: def.spec.release.chartRef.name, namespace: 'cozy-system' } });
    expect(spec(root).dependsOn).toBeUndefined();
  });
});

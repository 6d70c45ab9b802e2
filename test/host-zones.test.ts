// lib/model/host-zones.ts by the zone rules of docs/tenants.md and its doc comments: a tenant's
// host is a name under its parent's host (never the parent's host itself), an app's host is its
// tenant's host or a name under it; no host lies in another tenant's zone (its own and its
// ancestors' zones are fine); the platform's service hosts (`api`, `dashboard`, `cdi-uploadproxy`,
// `vm-exportproxy` of packages/core/platform `publishing.exposedServices`, and `keycloak`) and a
// tenant's `grafana.<host>` (monitoring) and `s3.<host>` (seaweedfs) are reserved, also the names
// under them, except for the service that holds them; no two apps share a host; and a new tenant
// zone may not contain what another tenant or app already claimed.
import { describe, expect, it } from 'vitest';
import { enclosingZones, HostRegistry, inZone, PLATFORM_SERVICE_HOSTS, TENANT_SERVICE_HOSTS } from '../lib/model/host-zones.js';

const rules = (ps: { rule: string }[]): string[] => ps.map((p) => p.rule);

describe('zones', () => {
  it('a host is in a zone when it is the zone or a name under it, label by label', () => {
    expect(inZone('example.org', 'example.org')).toBe(true);
    expect(inZone('a.b.example.org', 'example.org')).toBe(true);
    expect(inZone('badexample.org', 'example.org')).toBe(false);
    expect(inZone('example.org', 'a.example.org')).toBe(false);
  });

  it('the zones of a host are itself and each suffix after a dot', () => {
    expect(enclosingZones('a.b.org')).toEqual(['a.b.org', 'b.org', 'org']);
    expect(enclosingZones('org')).toEqual(['org']);
    expect(enclosingZones('')).toEqual([]);
  });

  it('the reserved service names are the upstream ones', () => {
    expect([...PLATFORM_SERVICE_HOSTS].sort()).toEqual(['api', 'cdi-uploadproxy', 'dashboard', 'keycloak', 'vm-exportproxy']);
    expect(TENANT_SERVICE_HOSTS).toEqual({ monitoring: 'grafana', seaweedfs: 's3' });
  });
});

describe('HostRegistry.check', () => {
  const registry = (): HostRegistry => {
    const r = new HostRegistry();
    r.claim('example.org', { namespace: 'tenant-root', owner: 'tenant tenant-root', kind: 'zone' });
    r.claim('dashboard.example.org', { namespace: 'tenant-root', owner: 'the dashboard of the platform', kind: 'reserved' });
    r.claim('foo.example.org', { namespace: 'tenant-foo', owner: 'tenant tenant-foo', kind: 'zone' });
    r.claim('grafana.foo.example.org', { namespace: 'tenant-foo', owner: 'the monitoring of tenant-foo', kind: 'reserved', service: 'monitoring' });
    r.claim('k8s.foo.example.org', { namespace: 'tenant-foo', owner: 'Kubernetes tenant-foo/k8s', kind: 'app' });
    return r;
  };
  const tenantBar = { namespace: 'tenant-bar', ancestors: ['tenant-root'], zone: 'example.org' };
  const inFoo = { namespace: 'tenant-foo', ancestors: ['tenant-root'], zone: 'foo.example.org' };
  const appOfFoo = { ...inFoo, app: true };

  it('accepts a new tenant under its parent and an app in its tenant zone', () => {
    expect(registry().check('bar.example.org', tenantBar)).toEqual([]);
    expect(registry().check('foo.example.org', appOfFoo)).toEqual([]);
    expect(registry().check('db.foo.example.org', appOfFoo)).toEqual([]);
    expect(registry().check('sub.foo.example.org', { namespace: 'tenant-foo-sub', ancestors: ['tenant-root', 'tenant-foo'], zone: 'foo.example.org' })).toEqual([]);
  });

  it('refuses a tenant host outside its parent zone or equal to it, naming the parent', () => {
    expect(registry().check('bar.example.com', tenantBar)).toEqual([
      { message: "host 'bar.example.com' is outside its parent tenant tenant-root's zone: expected a name under example.org", rule: 'host-outside-zone' },
    ]);
    expect(rules(registry().check('example.org', tenantBar))).toContain('host-outside-zone');
  });

  it('refuses an app host outside its tenant zone, naming the tenant', () => {
    expect(registry().check('db.example.com', appOfFoo)).toEqual([
      { message: "host 'db.example.com' is outside its tenant tenant-foo's zone: expected foo.example.org or a name under it", rule: 'host-outside-zone' },
    ]);
  });

  it('refuses a host in another tenant zone, and not in its own or an ancestor zone', () => {
    expect(registry().check('x.foo.example.org', { namespace: 'tenant-bar', ancestors: ['tenant-root'], zone: 'example.org', app: true })).toEqual([
      { message: "host 'x.foo.example.org' lies in the zone of tenant tenant-foo (foo.example.org); expected a name in example.org outside every other tenant's zone", rule: 'host-in-other-zone' },
    ]);
    expect(registry().check('x.foo.example.org', { namespace: 'tenant-bar', ancestors: ['tenant-root'], zone: '' })).toEqual([
      { message: "host 'x.foo.example.org' lies in the zone of tenant tenant-foo (foo.example.org); expected a name in its own zone outside every other tenant's zone", rule: 'host-in-other-zone' },
    ]);
  });

  it('refuses reserved hosts and names under them, except for the service that holds them', () => {
    expect(registry().check('dashboard.example.org', tenantBar)).toEqual([
      { message: "host 'dashboard.example.org' is reserved for the dashboard of the platform; expected another name in example.org", rule: 'reserved-host' },
    ]);
    expect(registry().check('a.dashboard.example.org', { namespace: 'tenant-x', ancestors: ['tenant-root'], zone: '', app: true })).toEqual([
      { message: "host 'a.dashboard.example.org' lies under dashboard.example.org, which is reserved for the dashboard of the platform", rule: 'reserved-host' },
    ]);
    expect(registry().check('grafana.foo.example.org', { ...appOfFoo, service: 'monitoring' })).toEqual([]);
    expect(rules(registry().check('grafana.foo.example.org', { ...appOfFoo, service: 'seaweedfs' }))).toEqual(['reserved-host']);
    expect(rules(registry().check('grafana.foo.example.org', appOfFoo))).toEqual(['reserved-host']);
    expect(rules(registry().check('grafana.foo.example.org', { namespace: 'tenant-other', ancestors: ['tenant-root', 'tenant-foo'], zone: 'foo.example.org', app: true, service: 'monitoring' }))).toEqual(['reserved-host']);
  });

  it('a reserved host of the platform is reserved for the apps of the root too', () => {
    expect(rules(registry().check('dashboard.example.org', { namespace: 'tenant-root', ancestors: [], zone: 'example.org', app: true }))).toEqual(['reserved-host']);
    expect(rules(registry().check('dashboard.example.org', { namespace: 'tenant-root', ancestors: [], zone: 'example.org', app: true, service: 'monitoring' }))).toEqual(['reserved-host']);
  });

  it('the nearest zone decides: its own stops the search, an app host on the way does not', () => {
    const r = new HostRegistry();
    r.claim('x.org', { namespace: 'tenant-other', owner: 'tenant tenant-other', kind: 'zone' });
    r.claim('a.x.org', { namespace: 'tenant-a', owner: 'tenant tenant-a', kind: 'zone' });
    r.claim('k8s.x.org', { namespace: 'tenant-a', owner: 'Kubernetes tenant-a/k8s', kind: 'app' });
    expect(r.check('db.a.x.org', { namespace: 'tenant-a', ancestors: [], zone: '', app: true })).toEqual([]);
    expect(rules(r.check('api.k8s.x.org', { namespace: 'tenant-a', ancestors: [], zone: '', app: true }))).toEqual(['host-in-other-zone']);
    expect(rules(registry().check('api.k8s.foo.example.org', { namespace: 'tenant-bar', ancestors: ['tenant-root'], zone: '', app: true }))).toEqual(['host-in-other-zone']);
    expect(rules(registry().check('k8s.foo.example.org', { namespace: 'tenant-root', ancestors: [], zone: 'example.org', app: true }))).toEqual(['duplicate-host']);
  });

  it('refuses the host of another app, but not a name under it', () => {
    expect(registry().check('k8s.foo.example.org', appOfFoo)).toEqual([{ message: "host 'k8s.foo.example.org' is already the host of Kubernetes tenant-foo/k8s", rule: 'duplicate-host' }]);
    expect(registry().check('api.k8s.foo.example.org', appOfFoo)).toEqual([]);
  });

  it('refuses a tenant zone that holds what another has claimed, unless an ancestor zone holds it', () => {
    const r = new HostRegistry();
    r.claim('example.org', { namespace: 'tenant-root', owner: 'tenant tenant-root', kind: 'zone' });
    r.claim('db.shop.example.org', { namespace: 'tenant-root', owner: 'Postgres tenant-root/db', kind: 'app' });
    expect(r.check('shop.example.org', tenantBar)).toEqual([
      { message: "host 'shop.example.org' would be the zone of db.shop.example.org, which is Postgres tenant-root/db's", rule: 'host-in-other-zone' },
    ]);
    r.claim('a.b.example.org', { namespace: 'tenant-root', owner: 'tenant tenant-root', kind: 'zone' });
    expect(r.check('b.example.org', tenantBar)).toEqual([]);
    // An app may lie above a claim: only a tenant zone would contain it.
    expect(r.check('shop.example.org', { namespace: 'tenant-root', ancestors: [], zone: 'example.org', app: true })).toEqual([]);
  });

  it('keeps the first claim of a host and the first claim under a zone', () => {
    const r = new HostRegistry();
    r.claim('x.example.org', { namespace: 'tenant-a', owner: 'first', kind: 'app' });
    r.claim('x.example.org', { namespace: 'tenant-b', owner: 'second', kind: 'app' });
    r.claim('y.x.example.org', { namespace: 'tenant-c', owner: 'third', kind: 'app' });
    expect(r.check('x.example.org', { namespace: 'tenant-a', ancestors: [], zone: '', app: true })[0]!.message).toContain('host of first');
    expect(r.check('example.org', { namespace: 'tenant-z', ancestors: [], zone: '' })[0]!.message).toBe("host 'example.org' would be the zone of x.example.org, which is first's");
  });
});

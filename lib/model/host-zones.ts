/**
 * Hosts and their zones: a tenant's host is the zone of its services and of its descendants
 * (`<name>.<parent host>` by default), so a tenant's host lies inside its parent's zone and outside
 * every other tenant's, an app's host inside its tenant's zone, and the hosts of the platform's
 * own services are nobody else's.
 */

/**
 * The platform's own services under the root host, `<service>.<root host>`: the services upstream
 * exposes through the root ingress (`publishing.exposedServices` of packages/core/platform:
 * api, dashboard, vm-exportproxy, cdi-uploadproxy) and Keycloak (`keycloak.<root-host>`, the
 * default host of the system services named in the same values file).
 */
export const PLATFORM_SERVICE_HOSTS: readonly string[] = ['api', 'dashboard', 'cdi-uploadproxy', 'vm-exportproxy', 'keycloak'];

/**
 * Hosts a tenant's own services take under its host, by the service that takes them: Grafana of
 * its monitoring (`grafana.<host>`, the default of packages/extra/monitoring `host`) and the S3
 * endpoint of its SeaweedFS (`s3.<host>`, the default of packages/extra/seaweedfs `host`).
 */
export const TENANT_SERVICE_HOSTS: Readonly<Record<'monitoring' | 'seaweedfs', string>> = { monitoring: 'grafana', seaweedfs: 's3' };

/** True when `host` is `zone` or a name under it (`a.b.example.org` is in `example.org`). */
export function inZone(host: string, zone: string): boolean {
  return host === zone || host.endsWith(`.${zone}`);
}

/** The zones a host lies in, itself first: `a.b.org`, `b.org`, `org`. */
export function enclosingZones(host: string): string[] {
  const out: string[] = [];
  for (let rest = host; rest; ) {
    out.push(rest);
    const dot = rest.indexOf('.');
    rest = dot === -1 ? '' : rest.slice(dot + 1);
  }
  return out;
}

/** Who owns a host: a tenant's zone, a reserved service host, or an app's host. @internal */
export interface HostClaim {
  /** Namespace of the tenant the host belongs to. */
  readonly namespace: string;
  /** What holds it, for messages: `tenant tenant-a`, `the dashboard of the platform`, `Kubernetes tenant-a/k8s`. */
  readonly owner: string;
  readonly kind: 'zone' | 'reserved' | 'app';
  /** For a reserved host of a tenant's service: the module that serves it (`monitoring`, `seaweedfs`). */
  readonly service?: string;
}

/**
 * The hosts claimed in a platform, found in time linear in the number of labels of a host:
 * `claims` by host, and `under` by each zone something claimed lies strictly inside (the first
 * such host), so that a new zone containing an earlier claim is found without a scan.
 * @internal
 */
export class HostRegistry {
  private readonly claims = new Map<string, HostClaim>();
  private readonly under = new Map<string, { host: string; claim: HostClaim }>();

  /** Records a host. */
  claim(host: string, claim: HostClaim): void {
    if (!this.claims.has(host)) this.claims.set(host, claim);
    for (const z of enclosingZones(host).slice(1)) if (!this.under.has(z)) this.under.set(z, { host, claim });
  }

  /**
   * Problems of a host for a tenant (`namespace`, with its ancestors' namespaces and its parent's
   * host) or an app of that tenant (`app`): outside the zone it must lie in, inside another
   * tenant's zone, a reserved host of a service (or under one), or, for a tenant, a zone that
   * holds what another has claimed.
   */
  check(host: string, who: { namespace: string; ancestors: readonly string[]; zone: string; app?: boolean; service?: string }): { message: string; rule: string }[] {
    const problems: { message: string; rule: string }[] = [];
    const mine = (c: HostClaim): boolean => c.namespace === who.namespace || (c.kind === 'zone' && who.ancestors.includes(c.namespace));
    if (who.zone && !(who.app ? inZone(host, who.zone) : host !== who.zone && inZone(host, who.zone))) {
      problems.push({ message: `host '${host}' is outside ${who.app ? 'its tenant' : 'its parent tenant'} ${who.app ? who.namespace : who.ancestors[who.ancestors.length - 1]}'s zone: expected ${who.app ? `${who.zone} or a name under it` : `a name under ${who.zone}`}`, rule: 'host-outside-zone' });
    }
    for (const z of enclosingZones(host)) {
      const c = this.claims.get(z);
      if (!c) continue;
      if (c.kind === 'reserved' && !(who.app && who.service !== undefined && c.service === who.service && c.namespace === who.namespace)) {
        const where = who.zone ? `; expected another name in ${who.zone}` : '';
        problems.push({ message: `host '${host}' ${z === host ? 'is reserved' : `lies under ${z}, which is reserved`} for ${c.owner}${where}`, rule: 'reserved-host' });
        break;
      }
      if (c.kind === 'zone' && !mine(c)) {
        problems.push({ message: `host '${host}' lies in the zone of ${c.owner} (${z}); expected a name in ${who.zone || 'its own zone'} outside every other tenant's zone`, rule: 'host-in-other-zone' });
        break;
      }
      if (c.kind === 'app' && z === host) {
        problems.push({ message: `host '${host}' is already the host of ${c.owner}`, rule: 'duplicate-host' });
        break;
      }
      if (c.kind === 'zone' && mine(c)) break; // the nearest zone is its own or an ancestor's
    }
    if (!who.app) {
      const inside = this.under.get(host);
      if (inside && !(inside.claim.kind === 'zone' && who.ancestors.includes(inside.claim.namespace))) {
        problems.push({ message: `host '${host}' would be the zone of ${inside.host}, which is ${inside.claim.owner}'s`, rule: 'host-in-other-zone' });
      }
    }
    return problems;
  }
}

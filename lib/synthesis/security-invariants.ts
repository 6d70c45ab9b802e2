import type { Problem } from '../core/errors.js';
import type { KubeObject } from '../core/kube-object.js';
import type { Tenant } from '../constructs/tenant.js';
import { ACCESS_LEVELS } from '../model/tenant-model.js';

/** What the invariants need to know of a platform's tenants. */
export interface TenantFacts {
  /** Tenant namespaces with their ancestors' namespaces (root first). */
  readonly ancestors: ReadonlyMap<string, readonly string[]>;
  /** Namespaces of tenants that must be isolated (checked only when isolation policies are rendered). */
  readonly isolated: ReadonlySet<string>;
  /** True when tenant objects are rendered explicitly (so their policies must be in the output). */
  readonly explicit: boolean;
}

/**
 * The facts of a tenant tree. `rootElsewhere`: the root's chart objects (its policies among them)
 * are rendered on the cluster by cozystack-basics' tenant-root HelmRelease, not written here.
 */
export function tenantFacts(root: Tenant, explicit: boolean, rootElsewhere = false): TenantFacts {
  const ancestors = new Map<string, string[]>();
  const isolated = new Set<string>();
  const walk = (t: Tenant): void => {
    ancestors.set(t.namespace, t.ancestors.map((a) => a.namespace));
    if (t.settings.isolated !== false && !(rootElsewhere && t === root)) isolated.add(t.namespace);
    t.children.forEach(walk);
  };
  walk(root);
  return { ancestors, isolated, explicit };
}

const LEVEL_SUFFIX = new RegExp(`-(${[...ACCESS_LEVELS].sort((a, b) => b.length - a.length).join('|')})$`);

/**
 * Checks the security invariants of synthesized output. A violation can only come from a bug or
 * a custom bundle, and either should stop the pipeline:
 * - `tenant-namespace-privileged`: no tenant namespace carries a privileged pod-security label;
 * - `tenant-rbac-cluster-scoped`: tenant RBAC objects are namespaced;
 * - `tenant-bound-outside`: a tenant's accounts and groups are bound only in its own namespace or a
 *   descendant's (and in cozy-public, for the app catalogue);
 * - `isolation-missing`: every isolated tenant has its isolation policies (explicit rendering);
 * - `app-in-system-namespace`: nothing a tenant orders lands in a `cozy-*` namespace;
 * - `subject-name-collision`: subject names are unique across the tree: no two tenants (or levels)
 *   have the same group name `<namespace>-<level>` (groups are cluster-wide, from OIDC), and no
 *   KeycloakRealmGroup, ServiceAccount or RoleBinding is made twice.
 */
export function checkSecurityInvariants(objects: readonly KubeObject[], facts: TenantFacts): Problem[] {
  const checker = new SecurityInvariants(facts);
  for (const o of objects) checker.check(o);
  return checker.finish();
}

type Subject = { kind?: string; name?: string; namespace?: string };

function ownerOf(subject: Subject): string | undefined {
  if (subject.kind === 'ServiceAccount' && subject.namespace?.startsWith('tenant-')) return subject.namespace;
  if (subject.kind === 'Group' && subject.name?.startsWith('tenant-')) return subject.name.replace(LEVEL_SUFFIX, '');
  return undefined;
}

/**
 * The checks of {@link checkSecurityInvariants}, one object at a time, so objects need not be kept
 * until all are made: `check` each object, then `finish` for the problems.
 * @internal
 */
export class SecurityInvariants {
  private readonly problems: Problem[] = [];
  private readonly policies = new Set<string>();
  /** Per subject identity (`Group <name>`, `ServiceAccount <ns>/<name>`, `RoleBinding <ns>/<name>`), how many objects make it. */
  private readonly subjects = new Map<string, number>();

  constructor(private readonly facts: TenantFacts) {}

  private add(o: KubeObject, message: string, rule: string): void {
    this.problems.push({ subject: `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`, path: '', message, rule });
  }

  /** Checks one object. */
  check(o: KubeObject): void {
    const facts = this.facts;
    const policies = this.policies;
    const ns = o.metadata.namespace;
    const labels = (o.metadata.labels ?? {}) as Record<string, string>;
    switch (o.kind) {
      case 'Namespace':
        if (o.metadata.name.startsWith('tenant-') && Object.entries(labels).some(([k, v]) => k.startsWith('pod-security.kubernetes.io/') && !k.endsWith('-version') && v === 'privileged')) {
          this.add(o, 'a tenant namespace must not allow privileged pods', 'tenant-namespace-privileged');
        }
        break;
      case 'ClusterRole':
      case 'ClusterRoleBinding': {
        const subjects = ((o as { subjects?: Subject[] }).subjects ?? []);
        if (o.metadata.name.startsWith('tenant-') || subjects.some((s) => ownerOf(s))) this.add(o, 'tenant RBAC must be namespaced (Role/RoleBinding)', 'tenant-rbac-cluster-scoped');
        break;
      }
      case 'RoleBinding': {
        const subjects = ((o as { subjects?: Subject[] }).subjects ?? []);
        this.count(`RoleBinding ${ns}/${o.metadata.name}`);
        for (const s of subjects) {
          const owner = ownerOf(s);
          if (!owner || !ns || ns === 'cozy-public') continue;
          const chain = facts.ancestors.get(ns);
          if (!(ns === owner || chain?.includes(owner))) this.add(o, `binds ${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name} of ${owner} in ${ns}, which is neither ${owner} nor one of its descendants`, 'tenant-bound-outside');
        }
        break;
      }
      case 'KeycloakRealmGroup': {
        const group = (o as { spec?: { name?: unknown } }).spec?.name;
        if (typeof group === 'string') this.count(`Group ${group}`);
        break;
      }
      case 'ServiceAccount':
        this.count(`ServiceAccount ${ns}/${o.metadata.name}`);
        break;
      case 'CiliumNetworkPolicy':
        policies.add(`${ns}/${o.metadata.name}`);
        break;
      case 'CiliumClusterwideNetworkPolicy':
        policies.add(`/${o.metadata.name}`);
        break;
      default:
        break;
    }
    if (ns?.startsWith('cozy-') && (labels['apps.cozystack.io/application.kind'] !== undefined || labels['cdk8s.cozystack.io/credentials'] !== undefined)) {
      this.add(o, `an object a tenant orders must not land in the system namespace ${ns}`, 'app-in-system-namespace');
    }
  }

  private count(subject: string): void {
    this.subjects.set(subject, (this.subjects.get(subject) ?? 0) + 1);
  }

  /** The problems of all objects checked, the isolation policies none of them provided, and subject names that are not unique. */
  finish(): Problem[] {
    const problems = [...this.problems];
    // Every tenant's groups, by name: one tenant and level each.
    const owners = new Map<string, string[]>();
    for (const ns of this.facts.ancestors.keys()) {
      for (const level of ACCESS_LEVELS) {
        const g = `${ns}-${level}`;
        const list = owners.get(g);
        if (list) list.push(`the ${level} group of ${ns}`);
        else owners.set(g, [`the ${level} group of ${ns}`]);
      }
    }
    for (const [g, list] of [...owners].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (list.length > 1) problems.push({ subject: `Group ${g}`, path: '', message: `is ${list.join(' and ')}: the members of one would get the rights of the other`, rule: 'subject-name-collision' });
    }
    for (const [subject, n] of [...this.subjects].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (n > 1 && !(subject.startsWith('Group ') && (owners.get(subject.slice(6))?.length ?? 0) > 1)) {
        problems.push({ subject, path: '', message: `is made ${n} times: subject names must be unique across the tree`, rule: 'subject-name-collision' });
      }
    }
    if (this.facts.explicit) {
      for (const ns of [...this.facts.isolated].sort()) {
        const missing = [`${ns}/allow-internal-communication`, `/${ns}-egress`, `/${ns}-ingress`].filter((p) => !this.policies.has(p));
        if (missing.length) {
          problems.push({ subject: `Tenant ${ns}`, path: '', message: `isolated, but its isolation policies are missing: ${missing.map((m) => m.replace(/^\//, '')).join(', ')}`, rule: 'isolation-missing' });
        }
      }
    }
    return problems;
  }
}

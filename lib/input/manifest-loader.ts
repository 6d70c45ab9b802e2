import { CozystackValidationError, type Problem } from '../core/errors.js';
import type { Platform } from '../constructs/platform.js';
import { APPS_API_VERSION, type AppManifest, manifestProblemsAlone, Tenant } from '../constructs/tenant.js';
import { ROOT_TENANT_NAMESPACE } from '../model/tenant-model.js';

/** A manifest and where it came from, for error messages. */
export interface SourcedManifest {
  /** The parsed document. */
  readonly manifest: AppManifest;
  /** Where it came from, e.g. `tenants/foo.yaml#2`. @default - the manifest's kind and name */
  readonly source?: string;
}

/**
 * Places `apps.cozystack.io/v1alpha1` manifests in a platform's tenant tree, the way a live
 * cluster does: a Tenant `foo` in namespace `tenant-root` is tenant `tenant-foo`; apps go to the
 * tenant whose namespace they name. Tenants are placed before apps, parents before children,
 * whatever the input order. Every problem is reported at once.
 */
export function loadManifests(platform: Platform, manifests: readonly SourcedManifest[]): void {
  const problems: Problem[] = [];
  const byNamespace = new Map<string, Tenant>([[platform.rootTenant.namespace, platform.rootTenant]]);
  for (const t of allTenants(platform.rootTenant)) byNamespace.set(t.namespace, t);
  // Namespaces an invalid Tenant would have made: what is placed in them is checked by itself, and
  // not reported as "not a tenant namespace", which would follow from the Tenant's own problem.
  const failed = new Set<string>();
  const madeBy = (parentNamespace: string, name: unknown): string | undefined =>
    typeof name === 'string' && name !== '' ? (parentNamespace === ROOT_TENANT_NAMESPACE ? `tenant-${name}` : `${parentNamespace}-${name}`) : undefined;
  const sourced = (m: SourcedManifest, p: Problem): Problem => (m.source ? { ...p, subject: `${m.source} ${p.subject}` } : p);
  const alone = (m: SourcedManifest): void => {
    for (const p of manifestProblemsAlone(m.manifest, platform.rootTenant.context.release)) problems.push(sourced(m, p));
    if (m.manifest.kind === 'Tenant') {
      const ns = madeBy(m.manifest.metadata.namespace!, m.manifest.metadata.name);
      if (ns) failed.add(ns);
    }
  };
  const attempt = (m: SourcedManifest, tenant: Tenant): void => {
    try {
      const placed = tenant.addApp(m.manifest);
      if (Tenant.isTenant(placed)) byNamespace.set(placed.namespace, placed);
    } catch (e) {
      if (!(e instanceof CozystackValidationError)) throw e;
      for (const p of e.problems) problems.push(sourced(m, p));
      if (m.manifest.kind === 'Tenant') {
        const ns = madeBy(tenant.namespace, m.manifest.metadata.name);
        if (ns) failed.add(ns);
      }
    }
  };
  const describe = (m: SourcedManifest) => m.source ?? `${m.manifest?.kind} ${m.manifest?.metadata?.namespace ?? ''}/${m.manifest?.metadata?.name}`;
  const tenants: SourcedManifest[] = [];
  const apps: SourcedManifest[] = [];
  for (const m of manifests) {
    const kind = m.manifest?.kind;
    if (m.manifest?.apiVersion !== APPS_API_VERSION) {
      problems.push({ subject: describe(m), path: 'apiVersion', message: `expected ${APPS_API_VERSION}, got ${JSON.stringify(m.manifest?.apiVersion)}`, rule: 'invalid-api-version' });
    } else {
      const ns = m.manifest.metadata?.namespace as unknown;
      if (typeof ns === 'string' && ns !== '') {
        (kind === 'Tenant' ? tenants : apps).push(m);
        continue;
      }
      // Without a namespace the manifest cannot be placed; report what else is wrong with its metadata too.
      const name = m.manifest.metadata?.name as unknown;
      if (name === undefined || name === null || name === '') problems.push({ subject: describe(m), path: 'metadata.name', message: 'a name is required', rule: 'required' });
      else if (typeof name !== 'string') problems.push({ subject: describe(m), path: 'metadata.name', message: `expected a string, got ${JSON.stringify(name)}`, rule: 'invalid-type' });
      if (ns === undefined || ns === null || ns === '') problems.push({ subject: describe(m), path: 'metadata.namespace', message: 'a tenant namespace is required (e.g. tenant-root)', rule: 'required' });
      else problems.push({ subject: describe(m), path: 'metadata.namespace', message: `expected a string, got ${JSON.stringify(ns)}`, rule: 'invalid-type' });
    }
  }
  // Parents first: repeat until no tenant can be placed.
  let pending = tenants;
  while (pending.length) {
    const next: SourcedManifest[] = [];
    for (const m of pending) {
      const parent = byNamespace.get(m.manifest.metadata.namespace!);
      if (parent) attempt(m, parent);
      else next.push(m);
    }
    if (next.length === pending.length) {
      // Tenants under an invalid Tenant (at any depth) are checked by themselves.
      const orphans = new Set(next);
      for (let changed = true; changed; ) {
        changed = false;
        for (const m of orphans) {
          if (!failed.has(m.manifest.metadata.namespace!)) continue;
          orphans.delete(m);
          alone(m);
          changed = true;
        }
      }
      for (const m of orphans) {
        problems.push({ subject: describe(m), path: 'metadata.namespace', message: `namespace ${m.manifest.metadata.namespace} is not a tenant namespace (no Tenant makes it)`, rule: 'not-a-tenant' });
      }
      break;
    }
    pending = next;
  }
  for (const m of apps) {
    const tenant = byNamespace.get(m.manifest.metadata.namespace!);
    if (tenant) attempt(m, tenant);
    else if (failed.has(m.manifest.metadata.namespace!)) alone(m);
    else problems.push({ subject: describe(m), path: 'metadata.namespace', message: `namespace ${m.manifest.metadata.namespace} is not a tenant namespace`, rule: 'not-a-tenant' });
  }
  if (problems.length) throw new CozystackValidationError(problems, 'invalid manifests');
}

function allTenants(t: Tenant): Tenant[] {
  return t.children.flatMap((c) => [c, ...allTenants(c)]);
}

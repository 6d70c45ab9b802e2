import type { IConstruct } from 'constructs';
import type { Problem } from '../core/errors.js';
import type { KubeObject } from '../core/kube-object.js';
import { ManagedApp } from '../constructs/managed-app.js';
import { Tenant } from '../constructs/tenant.js';

/**
 * The limits Flux and Kubernetes put on names, checked on every generated object at synth, so
 * that nothing the API server or helm-controller would refuse reaches Git:
 * - a HelmRelease's name (and `spec.releaseName`): at most 53 characters, Helm's release name limit;
 * - every object name: at most 253 characters, a DNS subdomain (lowercase alphanumerics, `-`, `.`)
 *   except RBAC objects, whose names are path segments;
 * - Namespaces and Services, and every `metadata.namespace`: a DNS label, at most 63 characters;
 * - Secret and ConfigMap data keys: at most 253 characters of `[-._a-zA-Z0-9]`;
 * - label values: at most 63 characters, alphanumerics with `-`, `_`, `.` inside; label keys:
 *   a name of at most 63 characters, with an optional DNS subdomain prefix.
 * Each problem names the object, the tenant or app it comes from, the name given and the limit.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Kinds whose names are path segments (any characters but `/` and `%`), not DNS subdomains. */
const PATH_SEGMENT_KINDS = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

/** Helm's limit on release names, which helm-controller applies to HelmReleases. */
export const HELM_RELEASE_NAME_MAX = 53;

/** Where generated objects come from: each tenant's and app's release and namespace. @internal */
export interface NameOrigins {
  /** `<namespace>/<name>` of a HelmRelease to the tenant or app it deploys. */
  readonly releases: ReadonlyMap<string, string>;
  /** A tenant namespace to its tenant. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Per namespace, the apps' release names with their app: objects named `<release>-...` are theirs. */
  readonly apps?: ReadonlyMap<string, readonly (readonly [string, string])[]>;
}

/** The origins of the tenants and apps among constructs. @internal */
export function nameOrigins(nodes: readonly IConstruct[]): NameOrigins {
  const releases = new Map<string, string>();
  const namespaces = new Map<string, string>();
  const apps = new Map<string, [string, string][]>();
  for (const c of nodes) {
    if (Tenant.isTenant(c)) {
      const what = c.parent ? `Tenant ${c.parent.namespace}/${c.tenantName}` : 'the root tenant';
      namespaces.set(c.namespace, what);
      releases.set(`${c.parent?.namespace ?? c.namespace}/${c.parent ? `tenant-${c.tenantName}` : c.namespace}`, what);
    } else if (ManagedApp.isManagedApp(c)) {
      const what = `${c.definition.kind} ${c.namespace}/${c.appName}`;
      releases.set(`${c.namespace}/${c.releaseName}`, what);
      let list = apps.get(c.namespace);
      if (!list) apps.set(c.namespace, (list = []));
      list.push([c.releaseName, what]);
    }
  }
  for (const list of apps.values()) list.sort((a, b) => b[0].length - a[0].length); // the longest release name first
  return { releases, namespaces, apps };
}

/**
 * The checks, one object at a time (`check`), then `finish` for every problem together.
 * @internal
 */
export class NameLimits {
  private readonly problems: Problem[] = [];
  /** Label keys and values already found valid (they repeat on most objects). */
  private readonly validLabelKeys = new Set<string>();
  private readonly validLabelValues = new Set<string>();

  /** Namespaces already found valid (most objects share a few). */
  private readonly validNamespaces = new Set<string>();
  private found?: NameOrigins;

  /**
   * @param origins where objects come from, or a function that finds it, called only when an
   *   object breaks a limit (finding it walks every construct)
   */
  constructor(private readonly origins: NameOrigins | (() => NameOrigins)) {}

  /** The tenant or app an object comes from, as printed. */
  private originOf(o: KubeObject): string {
    this.found ??= typeof this.origins === 'function' ? this.origins() : this.origins;
    const origins = this.found;
    const ns = o.metadata.namespace;
    const name = o.metadata.name;
    const labels = (o.metadata.labels ?? {}) as Record<string, unknown>;
    const byRelease = origins.releases.get(`${ns}/${name}`);
    if (byRelease) return byRelease;
    const kind = labels['apps.cozystack.io/application.kind'];
    const app = labels['apps.cozystack.io/application.name'];
    if (typeof kind === 'string' && typeof app === 'string') return `${kind} ${ns}/${app}`;
    const owner = origins.apps?.get(ns ?? '')?.find(([release]) => name.startsWith(`${release}-`));
    if (owner) return owner[1];
    const tenant = origins.namespaces.get(o.kind === 'Namespace' ? name : (ns ?? ''));
    return tenant ?? 'the platform';
  }

  private add(o: KubeObject, path: string, message: string, rule: string): void {
    const n = o.metadata.name;
    const subject = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${n.length > 80 ? `${n.slice(0, 77)}...` : n}`;
    this.problems.push({ subject, path, message: `${message}; it comes from ${this.originOf(o)}`, rule });
  }

  private length(o: KubeObject, path: string, value: string, max: number, what: string): boolean {
    if (value.length <= max) return true;
    this.add(o, path, `'${value}' is ${value.length} characters, over ${max}, the limit of ${what}`, 'name-too-long');
    return false;
  }

  private format(o: KubeObject, path: string, value: string, re: RegExp, what: string): void {
    if (!re.test(value)) this.add(o, path, `'${value}' is not ${what}`, 'invalid-name');
  }

  /** Checks one object. */
  check(o: KubeObject): void {
    const name = o.metadata.name;
    if (typeof name !== 'string' || name === '') {
      this.problems.push({ subject: `${o.kind} ${o.metadata.namespace ?? ''}/`, path: 'metadata.name', message: 'an object without a name', rule: 'invalid-name' });
      return;
    }
    if (o.kind === 'Namespace') {
      if (this.length(o, 'metadata.name', name, 63, 'a Namespace name (a DNS label)')) this.format(o, 'metadata.name', name, DNS_LABEL, 'a DNS label (lowercase letters, digits and -)');
    } else if (o.kind === 'Service') {
      if (this.length(o, 'metadata.name', name, 63, 'a Service name (a DNS label)')) this.format(o, 'metadata.name', name, DNS_1035_LABEL, 'a DNS-1035 label (a lowercase letter first, then lowercase letters, digits and -)');
    } else if (o.kind === 'HelmRelease') {
      if (this.length(o, 'metadata.name', name, HELM_RELEASE_NAME_MAX, 'a HelmRelease name (Helm release names, helm-controller)')) this.format(o, 'metadata.name', name, DNS_LABEL, 'a DNS label (lowercase letters, digits and -)');
      const release = (o.spec as { releaseName?: unknown } | undefined)?.releaseName;
      if (typeof release === 'string' && release !== name) this.length(o, 'spec.releaseName', release, HELM_RELEASE_NAME_MAX, 'a Helm release name');
    } else if (this.length(o, 'metadata.name', name, 253, 'an object name (a DNS subdomain)')) {
      if (PATH_SEGMENT_KINDS.has(o.kind)) {
        if (/[/%]/.test(name) || name === '.' || name === '..') this.add(o, 'metadata.name', `'${name}' is not a valid ${o.kind} name (no / or %)`, 'invalid-name');
      } else this.format(o, 'metadata.name', name, DNS_SUBDOMAIN, 'a DNS subdomain (lowercase letters, digits, - and .)');
    }
    const ns = o.metadata.namespace;
    if (typeof ns === 'string' && !this.validNamespaces.has(ns) && this.length(o, 'metadata.namespace', ns, 63, 'a namespace (a DNS label)')) {
      if (DNS_LABEL.test(ns)) this.validNamespaces.add(ns);
      else this.add(o, 'metadata.namespace', `'${ns}' is not a DNS label (lowercase letters, digits and -)`, 'invalid-name');
    }
    const labels = (o.metadata.labels ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(labels)) {
      const v = labels[k];
      // Label keys and values repeat across objects: each one that passed is checked once.
      if (!this.validLabelKeys.has(k)) {
        const slash = k.lastIndexOf('/');
        const prefix = slash === -1 ? '' : k.slice(0, slash);
        const key = k.slice(slash + 1);
        const before = this.problems.length;
        if (prefix && this.length(o, `metadata.labels.${k}`, prefix, 253, 'a label key prefix (a DNS subdomain)')) this.format(o, `metadata.labels.${k}`, prefix, DNS_SUBDOMAIN, 'a label key prefix (a DNS subdomain)');
        if (this.length(o, `metadata.labels.${k}`, key, 63, 'a label key name')) this.format(o, `metadata.labels.${k}`, key, LABEL_NAME, 'a label key name (alphanumerics, with -, _ and . inside)');
        if (this.problems.length === before) this.validLabelKeys.add(k);
      }
      if (typeof v !== 'string' || this.validLabelValues.has(v)) continue;
      if (this.length(o, `metadata.labels.${k}`, v, 63, 'a label value') && LABEL_VALUE.test(v)) this.validLabelValues.add(v);
      else if (v.length <= 63) this.add(o, `metadata.labels.${k}`, `'${v}' is not a label value (alphanumerics, with -, _ and . inside)`, 'invalid-name');
    }
    if (o.kind === 'Secret' || o.kind === 'ConfigMap') {
      const body = o as unknown as Record<string, unknown>;
      for (const field of ['data', 'stringData', 'binaryData']) {
        const m = body[field];
        if (typeof m !== 'object' || m === null) continue;
        for (const k of Object.keys(m)) {
          if (this.length(o, `${field}.${k.length > 80 ? `${k.slice(0, 77)}...` : k}`, k, 253, `a ${o.kind} data key`)) this.format(o, `${field}.${k}`, k, DATA_KEY, `a ${o.kind} data key (letters, digits, -, _ and .)`);
        }
      }
    }
  }

  /** The problems of all objects checked. */
  finish(): Problem[] {
    return [...this.problems];
  }
}

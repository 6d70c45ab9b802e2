import { Construct } from 'constructs';
import type { TenantService } from './app-definition.js';
import { addAppRelease } from './app-release.js';
import { addObject, GVK } from './api-objects.js';
import type { Values } from './component.js';
import { APP_DEFINITIONS } from '../apps/catalog.js';
import { PRUNE_DISABLED } from './deletion-guardrail.js';
import { CozystackValidationError, didYouMean, Problems } from './errors.js';
import { ManagedApp } from './managed-app.js';
import { VALUES_SECRET } from './platform-model.js';
import { valuesYaml } from './platform-renderer.js';
import type { PlatformContext } from './platform-context.js';
import { isDnsSubdomain, isQuantity } from './validators.js';

/** The four services a tenant can run for itself and its descendants. */
export const TENANT_SERVICES: readonly TenantService[] = ['etcd', 'ingress', 'monitoring', 'seaweedfs'];
/** Namespace of the root tenant. */
export const ROOT_TENANT_NAMESPACE = 'tenant-root';
/** Access levels of a tenant, lowest first. */
export const ACCESS_LEVELS = ['view', 'use', 'admin', 'super-admin'] as const;
/** One access level. */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** A group of a tenant (namespace) that is also another tenant's group. @internal */
export interface GroupCollision {
  readonly group: string;
  readonly level: AccessLevel;
  readonly owner: string;
  readonly otherLevel: AccessLevel;
}

/**
 * The groups `<namespace>-<level>` of a tenant that another existing tenant namespace also has
 * (`<other>-<otherLevel>` with the same name), given which namespaces exist.
 * @internal
 */
export function groupCollisions(namespace: string, exists: (ns: string) => boolean): GroupCollision[] {
  const out: GroupCollision[] = [];
  for (const level of ACCESS_LEVELS) {
    const group = `${namespace}-${level}`;
    for (const otherLevel of ACCESS_LEVELS) {
      if (!group.endsWith(`-${otherLevel}`)) continue;
      const owner = group.slice(0, -otherLevel.length - 1);
      if (owner !== namespace && exists(owner)) out.push({ group, level, owner, otherLevel });
    }
  }
  return out;
}

/**
 * Settings of a tenant: the values of the upstream tenant chart.
 */
export interface TenantProps {
  /**
   * Domain of the tenant's services.
   * @default - `<name>.<parent host>`
   */
  readonly host?: string;
  /**
   * Run an etcd for this tenant and its descendants (needed by Kubernetes clusters).
   * @default false (true for the root tenant)
   */
  readonly etcd?: boolean;
  /**
   * Run an ingress controller for this tenant and its descendants.
   * @default false (true for the root tenant)
   */
  readonly ingress?: boolean;
  /**
   * Run a monitoring stack for this tenant and its descendants.
   * @default false (true for the root tenant)
   */
  readonly monitoring?: boolean;
  /**
   * Run SeaweedFS object storage for this tenant and its descendants (needed by Buckets).
   * @default false (true for the root tenant)
   */
  readonly seaweedfs?: boolean;
  /**
   * Isolate the tenant's namespace with network policies.
   * @default true
   */
  readonly isolated?: boolean;
  /**
   * Resource quotas of the namespace, resource name to quantity, e.g. `{ cpu: '4', memory: '8Gi' }`.
   * @default {}
   */
  readonly resourceQuotas?: Readonly<Record<string, string | number>>;
}

/** Names of the RBAC groups of a tenant, one per access level. */
export interface TenantGroups {
  /** `<namespace>-view`. */
  readonly view: string;
  /** `<namespace>-use`. */
  readonly use: string;
  /** `<namespace>-admin`. */
  readonly admin: string;
  /** `<namespace>-super-admin`. */
  readonly superAdmin: string;
}

/** Annotation of an app manifest naming an existing Secret that holds its credentials. */
export const CREDENTIALS_SECRET_ANNOTATION = 'cdk8s.cozystack.io/credentials-secret';

/** apiVersion of application manifests. */
export const APPS_API_VERSION = 'apps.cozystack.io/v1alpha1';

/** An `apps.cozystack.io/v1alpha1` object as a user would `kubectl apply` it. */
export interface AppManifest {
  /** `apps.cozystack.io/v1alpha1`. */
  readonly apiVersion: string;
  /** Kind, e.g. `Postgres` or `Tenant`. */
  readonly kind: string;
  /** Name and, optionally, namespace. */
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  /** The values. @default {} */
  readonly spec?: Values;
}

const TENANT_BRAND = Symbol.for('cozystack-cdk8s.Tenant');
const QUOTA_BARE_KEYS = new Set([
  'pods', 'services', 'services.loadbalancers', 'services.nodeports', 'services.clusterip', 'configmaps', 'secrets',
  'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas',
]);

/**
 * A tenant: a namespace of its own with a domain, services inherited from its ancestors unless it
 * runs them itself, and access for every ancestor. Nest tenants with {@link Tenant.addTenant}.
 */
export class Tenant extends Construct {
  /** True when `x` is a Tenant, also across copies of this package. */
  public static isTenant(x: unknown): x is Tenant {
    return typeof x === 'object' && x !== null && TENANT_BRAND in x;
  }

  /** The nearest Tenant at or above a construct. Throws when there is none. */
  public static of(c: Construct): Tenant {
    for (let s: Construct | undefined = c; s; s = s.node.scope) if (Tenant.isTenant(s)) return s;
    throw new Error(`${c.node.path}: not inside a Tenant; place apps in a tenant (e.g. platform.rootTenant)`);
  }

  /** Tenant name (`root` for the root tenant). */
  public readonly tenantName: string;
  /** The tenant's namespace, e.g. `tenant-foo-bar`. */
  public readonly namespace: string;
  /** The tenant's domain. */
  public readonly host: string;
  /** The parent tenant; undefined for the root. */
  public readonly parent?: Tenant;
  /** Ancestors, root first; empty for the root. */
  public readonly ancestors: readonly Tenant[];
  /** The settings given, as the tenant chart receives them. */
  public readonly settings: TenantProps;
  /** Namespace of the nearest tenant (this one or an ancestor) that runs each service, or undefined. */
  public readonly services: Readonly<Record<TenantService, string | undefined>>;
  /** The tenant's RBAC groups. */
  public readonly groups: TenantGroups;
  /** @internal */
  public readonly context: PlatformContext;
  private readonly childTenants: Tenant[] = [];

  /**
   * @param scope the parent tenant
   * @param name tenant name: lowercase letters and digits, no '-'
   */
  constructor(scope: Construct, name: string, props: TenantProps = {}) {
    const parent = Tenant.isTenant(scope) ? scope : undefined;
    const context = parent ? parent.context : (scope as unknown as { tenantContext?: PlatformContext }).tenantContext;
    if (!context) throw new Error(`Tenant '${name}': scope ${scope.node.path} is neither a Tenant nor a Platform; use platform.rootTenant.addTenant()`);
    const subject = parent ? `Tenant ${parent.namespace}/${name}` : `Tenant ${ROOT_TENANT_NAMESPACE}`;
    const p = new Problems(subject);
    const nameValid = !parent || (typeof name === 'string' && /^[a-z0-9]+$/.test(name));
    if (parent) {
      if (!nameValid) p.add('name', `'${String(name)}' is not a valid tenant name (lowercase letters and digits only, no '-')`, 'invalid-tenant-name');
      if (parent.childTenants.some((t) => t.tenantName === name)) p.add('name', `tenant '${name}' already exists in ${parent.namespace}`, 'duplicate-tenant');
    }
    const namespace = parent ? (parent.parent ? `${parent.namespace}-${name}` : `tenant-${name}`) : ROOT_TENANT_NAMESPACE;
    const namespaceOwner = context.namespaces.get(namespace);
    if (parent && nameValid && namespaceOwner !== undefined) p.add('name', `namespace ${namespace} is already ${namespaceOwner}'s`, 'duplicate-namespace');
    if (namespace.length > 63) p.add('name', `namespace '${namespace}' is longer than 63 characters (${namespace.length})`, 'namespace-too-long');
    // Access groups are cluster-wide (OIDC) and named `<namespace>-<level>`, as upstream names
    // them: a name whose groups are another tenant's (`super` under foo: tenant-foo-super-admin is
    // foo's super-admin group) would hand that tenant's rights to this one's members.
    if (parent && nameValid) {
      for (const collision of groupCollisions(namespace, (ns) => context.namespaces.has(ns))) {
        p.add('name', `tenant name '${name}' would make the group ${collision.group} (its ${collision.level} group), which is the ${collision.otherLevel} group of ${collision.owner}: its ${collision.level}s would get ${collision.owner}'s ${collision.otherLevel} rights; choose another name`, 'subject-name-collision');
      }
    }
    validateProps(props, p);
    const host = props.host || (parent ? (parent.host ? `${name}.${parent.host}` : '') : context.rootHost);
    // A host derived from an invalid name is not a second mistake.
    const hostPropValid = (props.host === undefined || props.host === '' || (typeof props.host === 'string' && isDnsSubdomain(props.host))) && (nameValid || !!props.host);
    if (host && hostPropValid && !isDnsSubdomain(host)) p.add('name', `host '${host}' is not a valid DNS name`, 'invalid-host');
    // The host is also a label value of the namespace, which Kubernetes limits to 63 characters.
    else if (host && hostPropValid && host.length > 63) {
      p.add(props.host ? 'host' : 'name', `host '${host}' is longer than 63 characters (it is written as a namespace label value)`, 'host-too-long');
    }
    const keyWarnings = unknownKeys(props, context.strict, p);
    if (host && hostPropValid) {
      const owner = context.hosts.get(host);
      if (owner !== undefined) p.add('host', `host '${host}' is already claimed by ${owner}`, 'duplicate-host');
    }
    p.throwIfAny();

    super(scope, parent ? name : ROOT_TENANT_NAMESPACE);
    Object.defineProperty(this, TENANT_BRAND, { value: true });
    this.context = context;
    this.tenantName = parent ? name : 'root';
    this.namespace = namespace;
    this.host = host;
    this.settings = { ...props };
    if (parent) {
      this.parent = parent;
      this.ancestors = [...parent.ancestors, parent];
      parent.childTenants.push(this);
    } else {
      this.ancestors = [];
    }
    const own = (s: TenantService): boolean => props[s] ?? !parent;
    this.services = Object.fromEntries(TENANT_SERVICES.map((s) => [s, own(s) ? namespace : parent?.services[s]])) as Record<TenantService, string | undefined>;
    this.groups = { view: `${namespace}-view`, use: `${namespace}-use`, admin: `${namespace}-admin`, superAdmin: `${namespace}-super-admin` };
    if (host) context.hosts.set(host, `tenant ${namespace}`);
    context.namespaces.set(namespace, `tenant ${parent ? `${parent.namespace}/${name}` : 'root'}`);
    for (const w of keyWarnings) context.warn(`${subject} ${w}`);
    // The tenant chart makes a HelmRelease per service it runs, and always one for info.
    for (const m of [...TENANT_SERVICES.filter((s) => this.runs(s)), 'info']) context.releases.set(`${namespace}/${m}`, `the ${m} module of tenant ${namespace}`);
    context.renderTenant(this);
  }

  /** True for the root tenant. */
  public get isRoot(): boolean {
    return this.parent === undefined;
  }

  /** Direct child tenants, in the order they were added. */
  public get children(): readonly Tenant[] {
    return [...this.childTenants];
  }

  /** True when this tenant runs the service itself. */
  public runs(service: TenantService): boolean {
    return this.services[service] === this.namespace;
  }

  /** Adds a child tenant. */
  public addTenant(name: string, props: TenantProps = {}): Tenant {
    return new Tenant(this, name, props);
  }

  /**
   * Places a plain `apps.cozystack.io/v1alpha1` manifest in this tenant: a `Tenant` becomes a
   * child tenant, any other kind of the catalog a {@link ManagedApp}. The manifest's namespace,
   * when given, must be this tenant's.
   */
  public addApp(manifest: AppManifest): Tenant | ManagedApp {
    const p = new Problems(`${manifest?.kind ?? '?'} ${this.namespace}/${manifest?.metadata?.name ?? '?'}`);
    if (manifest?.apiVersion !== APPS_API_VERSION) p.add('apiVersion', `expected ${APPS_API_VERSION}, got ${JSON.stringify(manifest?.apiVersion)}`, 'invalid-api-version');
    const name = manifest?.metadata?.name;
    if (name === undefined || name === null || name === '') p.add('metadata.name', 'a name is required', 'required');
    else if (typeof name !== 'string') p.add('metadata.name', `expected a string, got ${JSON.stringify(name)}`, 'invalid-type');
    if (manifest?.metadata?.namespace !== undefined && manifest.metadata.namespace !== this.namespace) {
      p.add('metadata.namespace', `is ${manifest.metadata.namespace}, but the app is placed in ${this.namespace}`, 'namespace-mismatch');
    }
    const spec = manifest?.spec ?? {};
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) p.add('spec', `expected a map, got ${JSON.stringify(spec)}`, 'invalid-type');
    const kind = manifest?.kind;
    const definition = APP_DEFINITIONS.find((d) => d.kind === kind);
    if (kind !== 'Tenant' && !definition) {
      p.add('kind', `unknown kind ${JSON.stringify(kind)}; expected one of ${APP_DEFINITIONS.map((d) => d.kind).join(', ')}${didYouMean(String(kind), APP_DEFINITIONS.map((d) => d.kind))}`, 'unknown-kind');
    }
    p.throwIfAny();
    if (kind === 'Tenant') {
      // Problems of a Tenant manifest are named by document paths, as for every other kind.
      try {
        return new Tenant(this, name!, spec as TenantProps);
      } catch (e) {
        if (!(e instanceof CozystackValidationError)) throw e;
        throw new CozystackValidationError(e.problems.map((x) => ({ ...x, path: x.path === 'name' ? 'metadata.name' : x.path ? `spec.${x.path}` : x.path })), e.message.split(':')[0]);
      }
    }
    const annotations = (manifest.metadata.annotations ?? {}) as Record<string, unknown>;
    const secret = annotations[CREDENTIALS_SECRET_ANNOTATION];
    return new ManagedApp(this, name!, definition!, spec as Values, typeof secret === 'string' ? { credentialsSecret: secret } : {});
  }

  /** The `_namespace` values charts in this tenant read. */
  public get namespaceValues(): Values {
    return {
      etcd: this.services.etcd ?? '',
      ingress: this.services.ingress ?? '',
      monitoring: this.services.monitoring ?? '',
      seaweedfs: this.services.seaweedfs ?? '',
      host: this.host,
    };
  }

  /** Labels of the tenant's Namespace. */
  public get namespaceLabels(): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const t of [...this.ancestors, this]) labels[`tenant.cozystack.io/${t.namespace}`] = '';
    for (const s of TENANT_SERVICES) labels[`namespace.cozystack.io/${s}`] = this.services[s] ?? '';
    labels['namespace.cozystack.io/host'] = this.host;
    if (!this.isRoot) labels['alpha.kubevirt.io/auto-memory-limits-ratio'] = '1.0';
    return labels;
  }

  /** Values of the tenant's HelmRelease: exactly what was set (and the root's host and services). */
  public get releaseValues(): Values {
    const v: Values = {};
    const s = this.settings;
    if (this.isRoot) v.host = this.host;
    else if (s.host !== undefined) v.host = s.host;
    for (const k of TENANT_SERVICES) {
      const set = s[k] ?? (this.isRoot ? true : undefined);
      if (set !== undefined) v[k] = set;
    }
    if (s.isolated !== undefined) v.isolated = s.isolated;
    if (s.resourceQuotas !== undefined) v.resourceQuotas = { ...s.resourceQuotas };
    return v;
  }

  /** Adds this tenant's Namespace and `cozystack-values` Secret. @internal */
  public _addNamespaceAndValues(scope: Construct): void {
    addObject(scope, GVK.Namespace, { name: this.namespace, labels: this.namespaceLabels, annotations: { 'helm.sh/resource-policy': 'keep', ...PRUNE_DISABLED } });
    addObject(
      scope,
      GVK.Secret,
      { name: VALUES_SECRET, namespace: this.namespace, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
      // `_cluster` sorts before `_namespace`: the text is the platform's `_cluster` part, written
      // once per platform, followed by this tenant's `_namespace` part.
      { type: 'Opaque', stringData: { 'values.yaml': `${clusterValuesText(this.context)}${valuesYaml({ _namespace: this.namespaceValues })}` } },
    );
  }

  /** Adds the HelmRelease the platform's API stores for this tenant. @internal */
  public _addRelease(scope: Construct): void {
    addAppRelease(scope, {
      kind: 'Tenant',
      name: this.isRoot ? ROOT_TENANT_NAMESPACE : this.tenantName,
      releaseName: this.isRoot ? ROOT_TENANT_NAMESPACE : `tenant-${this.tenantName}`,
      namespace: this.parent?.namespace ?? ROOT_TENANT_NAMESPACE,
      chart: 'tenant',
      labels: { 'cozystack.io/ui': 'true' },
      values: this.releaseValues,
      ...(this.isRoot ? { dependsOn: this.context.rootTenantDependsOn } : {}),
    });
  }
}

const clusterTexts = new WeakMap<PlatformContext, string>();

/** The `_cluster` part of every tenant's values text, computed once per platform. */
function clusterValuesText(context: PlatformContext): string {
  let text = clusterTexts.get(context);
  if (text === undefined) clusterTexts.set(context, (text = valuesYaml({ _cluster: context.clusterValues })));
  return text;
}

const TENANT_KEYS = ['host', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'isolated', 'resourceQuotas'];

/** Keys the tenant chart does not know: errors under strict, otherwise warnings (returned). */
function unknownKeys(props: TenantProps, strict: boolean, p: Problems): string[] {
  const warnings: string[] = [];
  for (const k of Object.keys(props ?? {})) {
    if (TENANT_KEYS.includes(k)) continue;
    const message = `unknown key '${k}': the tenant chart does not use it${didYouMean(k, TENANT_KEYS)}`;
    if (strict) p.add(k, message, 'unknown-key');
    else warnings.push(`${k}: ${message} [unknown-key]`);
  }
  return warnings;
}

function validateProps(props: TenantProps, p: Problems): void {
  for (const k of [...TENANT_SERVICES, 'isolated'] as const) {
    if (props[k] !== undefined && typeof props[k] !== 'boolean') p.add(k, `expected true or false, got ${JSON.stringify(props[k])}`, 'invalid-type');
  }
  if (props.host !== undefined && (typeof props.host !== 'string' || (props.host !== '' && !isDnsSubdomain(props.host)))) {
    p.add('host', `'${String(props.host)}' is not a valid DNS name (lowercase labels separated by dots)`, 'invalid-host');
  }
  if (props.resourceQuotas !== undefined) {
    if (typeof props.resourceQuotas !== 'object' || props.resourceQuotas === null || Array.isArray(props.resourceQuotas)) {
      p.add('resourceQuotas', `expected a map of resource name to quantity, got ${JSON.stringify(props.resourceQuotas)}`, 'invalid-type');
    } else {
      for (const [k, v] of Object.entries(props.resourceQuotas)) {
        const at = /^[A-Za-z_][\w.\/-]*$/.test(k) ? `resourceQuotas.${k}` : `resourceQuotas[${JSON.stringify(k)}]`;
        if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/i.test(k) || k === 'requests' || k === 'limits') {
          p.add(at, `'${k}' is not a resource name (nested requests/limits maps are not accepted)`, 'invalid-quota');
        } else if (!((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && isQuantity(v)))) {
          p.add(at, `${typeof v === 'number' ? String(v) : JSON.stringify(v)} is not a quantity (expected e.g. '4', '500m', '8Gi')`, 'invalid-quantity');
        } else if ((typeof v === 'number' && v < 0) || (typeof v === 'string' && v.startsWith('-'))) {
          p.add(at, `${JSON.stringify(v)} is negative; a quota must be zero or more`, 'invalid-quantity');
        }
      }
    }
  }
}

/** @internal */
export { QUOTA_BARE_KEYS };

import { Construct } from 'constructs';
import type { TenantService } from '../model/app-definition.js';
import type { Values } from '../core/values.js';
import { appDefinitionOf, kindNotInRelease, kindProblemRule } from '../model/app-catalog.js';
import { didYouMean, mapProblems, prefixed, type Problem, Problems } from '../core/errors.js';
import { isDnsLabel, isDnsSubdomain, isQuantity } from '../core/predicates.js';
import { validateAppValues } from '../model/app-values.js';
import { DEFAULT_RELEASE, type ReleaseProfile } from '../releases/profiles.js';
import {
  namespaceLabels,
  namespaceValues,
  releaseValues,
  ROOT_TENANT_NAMESPACE,
  TENANT_SERVICES,
  groupCollisions,
  tenantChartOf,
  tenantGateway,
  tenantKeysAt,
  tenantSchedulingClass,
  type TenantChartGeneration,
  tenantGroups,
  tenantHost,
  tenantNamespace,
  tenantServices,
  type TenantGroups,
  type TenantModel,
  type TenantProps,
} from '../model/tenant-model.js';
import { ManagedApp } from './managed-app.js';
import type { PlatformContext } from './platform-context.js';
import { PLATFORM_SERVICE_HOSTS, TENANT_SERVICE_HOSTS } from '../model/host-zones.js';
import { brand, hasBrand, platformContextOf, TENANT_BRAND } from './tree.js';

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


/**
 * A tenant: a namespace of its own with a domain, services inherited from its ancestors unless it
 * runs them itself, and access for every ancestor. Nest tenants with {@link Tenant.addTenant}.
 */
export class Tenant extends Construct implements TenantModel {
  /** True when `x` is a Tenant, also across copies of this package. */
  public static isTenant(x: unknown): x is Tenant {
    return hasBrand(x, TENANT_BRAND);
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
  /** The tenant chart of the platform's release: `v0` (0.41.11) or `v1` (1.6.x). */
  public readonly tenantChart: TenantChartGeneration;
  /** Namespace of the nearest tenant (this one or an ancestor) with a Gateway, or undefined (always at 0.41.11). */
  public readonly gatewayNamespace: string | undefined;
  /** The SchedulingClass of the tenant's workloads (its ancestor's, else its own), or undefined (always at 0.41.11 and for the root). */
  public readonly schedulingClass: string | undefined;
  /** @internal */
  public readonly context: PlatformContext;
  private readonly childTenants: Tenant[] = [];

  /**
   * @param scope the parent tenant
   * @param name tenant name: lowercase letters and digits, no '-'
   */
  constructor(scope: Construct, name: string, props: TenantProps = {}) {
    const parent = Tenant.isTenant(scope) ? scope : undefined;
    const context = parent ? parent.context : platformContextOf(scope);
    if (!context) throw new Error(`Tenant '${name}': scope ${scope.node.path} is neither a Tenant nor a Platform; use platform.rootTenant.addTenant()`);
    const subject = parent ? `Tenant ${parent.namespace}/${name}` : `Tenant ${ROOT_TENANT_NAMESPACE}`;
    const p = new Problems(subject);
    const nameValid = !parent || (typeof name === 'string' && /^[a-z0-9]+$/.test(name));
    if (parent) {
      if (!nameValid) p.add('name', `'${String(name)}' is not a valid tenant name (lowercase letters and digits only, no '-')`, 'invalid-tenant-name');
      if (parent.childTenants.some((t) => t.tenantName === name)) p.add('name', `tenant '${name}' already exists in ${parent.namespace}`, 'duplicate-tenant');
    }
    const namespace = tenantNamespace(parent, name);
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
    validateProps(props, tenantKeysAt(context.release), p);
    const host = tenantHost(parent, name, props, context.rootHost);
    // A host derived from an invalid name is not a second mistake.
    const hostPropValid = (props.host === undefined || props.host === '' || (typeof props.host === 'string' && isDnsSubdomain(props.host))) && (nameValid || !!props.host);
    if (host && hostPropValid && !isDnsSubdomain(host)) p.add('name', `host '${host}' is not a valid DNS name`, 'invalid-host');
    // The host is also a label value of the namespace, which Kubernetes limits to 63 characters.
    else if (host && hostPropValid && host.length > 63) {
      p.add(props.host ? 'host' : 'name', `host '${host}' is longer than 63 characters (it is written as a namespace label value)`, 'host-too-long');
    }
    const keyWarnings = unknownKeys(props, tenantKeysAt(context.release), context.strict, p);
    if (host && hostPropValid) {
      const owner = context.hosts.get(host);
      if (owner !== undefined) p.add('host', `host '${host}' is already claimed by ${owner}`, 'duplicate-host');
      // A tenant's host is a zone inside its parent's, apart from every other tenant's and from the
      // hosts of the platform's and the tenants' own services.
      else {
        const ancestors = parent ? [...parent.ancestors.map((a) => a.namespace), parent.namespace] : [];
        for (const z of context.hostRegistry.check(host, { namespace, ancestors, zone: parent?.host ?? '' })) p.add(props.host ? 'host' : 'name', z.message, z.rule);
      }
    }
    p.throwIfAny();

    // A tenant whose name an app of its parent already has sits in the parent's construct `Tenant`.
    super(parent && scope.node.tryFindChild(name) ? (scope.node.tryFindChild('Tenant') ?? new Construct(scope, 'Tenant')) : scope, parent ? name : ROOT_TENANT_NAMESPACE);
    brand(this, TENANT_BRAND);
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
    this.services = tenantServices(parent, namespace, props);
    this.groups = tenantGroups(namespace);
    this.tenantChart = tenantChartOf(context.release);
    this.gatewayNamespace = tenantGateway(parent, namespace, props, this.tenantChart, context.clusterValues);
    this.schedulingClass = tenantSchedulingClass(parent, props, this.tenantChart);
    if (host) {
      context.hosts.set(host, `tenant ${namespace}`);
      context.hostRegistry.claim(host, { namespace, owner: `tenant ${namespace}`, kind: 'zone' });
      if (!parent) for (const service of PLATFORM_SERVICE_HOSTS) context.hostRegistry.claim(`${service}.${host}`, { namespace, owner: `the platform's ${service}`, kind: 'reserved' });
      for (const [service, label] of Object.entries(TENANT_SERVICE_HOSTS)) {
        if (this.runs(service as TenantService)) context.hostRegistry.claim(`${label}.${host}`, { namespace, owner: `the ${service} of tenant ${namespace}`, kind: 'reserved', service });
      }
    }
    context.namespaces.set(namespace, `tenant ${parent ? `${parent.namespace}/${name}` : 'root'}`);
    for (const w of keyWarnings) context.warn(`${subject} ${w}`);
    // The tenant chart makes a HelmRelease per service it runs, and always one for info (at v1 also
    // gateway, when the tenant has its own).
    const modules = [...TENANT_SERVICES.filter((s) => this.runs(s)), 'info', ...(this.tenantChart === 'v1' && parent && props.gateway === true ? ['gateway'] : [])];
    for (const m of modules) context.releases.set(`${namespace}/${m}`, `the ${m} module of tenant ${namespace}`);
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
    const release = this.context.release;
    const definition = typeof kind === 'string' ? appDefinitionOf(kind, release) : undefined;
    if (kind !== 'Tenant' && !definition) p.add('kind', kindNotInRelease(String(kind), release), kindProblemRule(String(kind)));
    p.throwIfAny();
    if (kind === 'Tenant') {
      // Problems of a Tenant manifest are named by document paths, as for every other kind.
      return mapProblems(() => new Tenant(this, name!, spec as TenantProps), (x) => ({ ...x, path: x.path === 'name' ? 'metadata.name' : prefixed('spec.', x.path) }));
    }
    const annotations = (manifest.metadata.annotations ?? {}) as Record<string, unknown>;
    const secret = annotations[CREDENTIALS_SECRET_ANNOTATION];
    return new ManagedApp(this, name!, { definition: definition!, values: spec as Values, ...(typeof secret === 'string' ? { credentialsSecret: secret } : {}) });
  }

  /** The `_namespace` values charts in this tenant read. */
  public get namespaceValues(): Values {
    return namespaceValues(this);
  }

  /** Labels of the tenant's Namespace. */
  public get namespaceLabels(): Record<string, string> {
    return namespaceLabels(this);
  }

  /** Values of the tenant's HelmRelease: exactly what was set (and the root's host and services). */
  public get releaseValues(): Values {
    return releaseValues(this);
  }
}

/** Keys the tenant chart does not know: errors under strict, otherwise warnings (returned). */
/**
 * The problems a manifest has by itself, without a tenant to place it in (its tenant, or the
 * platform, is invalid): its kind, name and spec, and its values against its chart's schema (a
 * Tenant's settings). What needs the tree (services in reach, hosts, duplicates, the tenant it
 * goes to) is not checked: a problem there would follow from the invalid tenant or platform.
 * Paths are document paths.
 * @internal
 */
export function manifestProblemsAlone(manifest: AppManifest, release: ReleaseProfile = DEFAULT_RELEASE): Problem[] {
  const kind = manifest?.kind;
  const name = manifest?.metadata?.name;
  const subject = `${kind ?? '?'} ${String(manifest?.metadata?.namespace ?? '?')}/${String(name ?? '?')}`;
  const p = new Problems(subject);
  if (name === undefined || name === null || name === '') p.add('metadata.name', 'a name is required', 'required');
  else if (typeof name !== 'string') p.add('metadata.name', `expected a string, got ${JSON.stringify(name)}`, 'invalid-type');
  const spec = manifest?.spec ?? {};
  const specIsMap = typeof spec === 'object' && spec !== null && !Array.isArray(spec);
  if (!specIsMap) p.add('spec', `expected a map, got ${JSON.stringify(spec)}`, 'invalid-type');
  if (kind === 'Tenant') {
    if (typeof name === 'string' && name !== '' && !/^[a-z0-9]+$/.test(name)) p.add('metadata.name', `'${name}' is not a valid tenant name (lowercase letters and digits only, no '-')`, 'invalid-tenant-name');
    if (specIsMap) {
      const q = new Problems(subject);
      validateProps(spec as TenantProps, tenantKeysAt(release), q);
      for (const x of q.problems) p.add(prefixed('spec.', x.path), x.message, x.rule);
    }
    return [...p.problems];
  }
  const definition = typeof kind === 'string' ? appDefinitionOf(kind, release) : undefined;
  if (!definition) {
    // Without a platform the release may be another: only a kind no release knows is a problem by itself.
    if (kindProblemRule(String(kind)) === 'unknown-kind') p.add('kind', kindNotInRelease(String(kind), release), 'unknown-kind');
    return [...p.problems];
  }
  if (typeof name === 'string' && name !== '' && !isDnsLabel(name)) p.add('metadata.name', `'${name}' is not a valid name (lowercase letters, digits and '-', starting and ending alphanumeric)`, 'invalid-name');
  if (specIsMap) {
    for (const e of validateAppValues(definition, spec as Values).errors) p.add(`spec${e.path}`, e.message, e.rule);
  }
  return [...p.problems];
}

function unknownKeys(props: TenantProps, keys: readonly string[], strict: boolean, p: Problems): string[] {
  const warnings: string[] = [];
  for (const k of Object.keys(props ?? {})) {
    if (keys.includes(k)) continue;
    const message = `unknown key '${k}': the tenant chart does not use it${didYouMean(k, keys)}`;
    if (strict) p.add(k, message, 'unknown-key');
    else warnings.push(`${k}: ${message} [unknown-key]`);
  }
  return warnings;
}

function validateProps(props: TenantProps, keys: readonly string[], p: Problems): void {
  for (const k of [...TENANT_SERVICES, 'isolated', 'gateway'] as const) {
    // A key the release's chart does not have is only warned about (unknownKeys), whatever its value.
    if ((k === 'gateway' || k === 'isolated') && !keys.includes(k)) continue;
    if (props[k] !== undefined && typeof props[k] !== 'boolean') p.add(k, `expected true or false, got ${JSON.stringify(props[k])}`, 'invalid-type');
  }
  if (keys.includes('schedulingClass') && props.schedulingClass !== undefined && typeof props.schedulingClass !== 'string') {
    p.add('schedulingClass', `expected a string, got ${JSON.stringify(props.schedulingClass)}`, 'invalid-type');
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

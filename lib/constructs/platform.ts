import { Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { appCatalogOf } from '../model/app-catalog.js';
import type { AppDefinition } from '../model/app-definition.js';
import type { Bundle } from '../model/bundle.js';
import { CozystackValidationError, mapProblems, prefixed, type Problem } from '../core/errors.js';
import type { PlatformContext } from './platform-context.js';
import { type PlatformModel, resolvePlatform } from '../model/platform-model.js';
import type { PlatformMode, PlatformSettings, TenantRendering } from '../model/settings.js';
import type { TenantProps } from '../model/tenant-model.js';
import { renderPlatform } from '../renderings/platform.js';
import { Tenant } from './tenant.js';
import { brand, hasBrand, PLATFORM_BRAND, registerPlatformContext } from './tree.js';
import { renderTenant } from '../renderings/tenant.js';

/** Components the root tenant waits for, when installed (upstream rule). */
const ROOT_TENANT_DEPENDENCIES = ['cilium', 'kubeovn'];
/** Application charts that are always available: the tenant chart and its modules. */
const ALWAYS_AVAILABLE = new Set(['tenant', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'info']);

/** How credentials in app values are handled. */
export interface CredentialsProps {
  /**
   * `secret`: each app's credentials go to a Secret `<release>-credential-values` that the
   * HelmRelease reads as one values document (valuesFrom, merged at the root, no targetPath); the Secrets are written under `secrets/`,
   * which the generated `.gitignore` excludes. `inline`: left in the HelmRelease values.
   * @default 'secret'
   */
  readonly handling?: 'secret' | 'inline';
  /**
   * Write a `.sops.yaml` whose creation rules encrypt the `secrets/` files for these keys, so
   * they can be encrypted with SOPS and committed.
   * @default - no .sops.yaml
   */
  readonly sops?: {
    /** age recipients. @default [] */
    readonly age?: readonly string[];
    /** PGP fingerprints. @default [] */
    readonly pgp?: readonly string[];
  };
}

/**
 * Properties of a {@link Platform}: the platform settings ({@link PlatformSettings}, what the
 * upstream platform reads), the root tenant's own settings, and how the library writes the output.
 */
export interface PlatformProps extends PlatformSettings {
  /**
   * Settings of the root tenant (`tenant-root`).
   * @default - host = rootHost, runs all four services, isolated
   */
  readonly rootTenant?: Omit<TenantProps, 'host'>;
  /**
   * What to do with credentials in app values (passwords, S3 keys, tokens).
   * @default - moved to a Secret per app, written under secrets/ and excluded from Git
   */
  readonly credentials?: CredentialsProps;
  /**
   * Group the objects of tenants (and their apps) into cdk8s Charts of at most this many tenants,
   * in the order tenants are added. Grouping changes neither the objects nor the output files.
   * @default - every object in the Platform chart
   */
  readonly tenantsPerChart?: number;
  /**
   * Treat app values the chart's schema does not know as errors instead of warnings.
   * @default false
   */
  readonly strict?: boolean;
}

/**
 * A whole Cozystack platform: the bundle's system components delivered with Flux (or through the
 * upstream operator), the namespaces and values they need, and the root of the tenant tree.
 *
 * A Platform is one cdk8s Chart: tenants and apps added to it are constructs inside it, so a
 * platform with thousands of tenants stays one Chart.
 */
export class Platform extends Chart {
  /** True when `x` is a Platform, also across copies of this package. */
  public static isPlatform(x: unknown): x is Platform {
    return hasBrand(x, PLATFORM_BRAND);
  }

  /** The Platform a construct belongs to. Throws when there is none. */
  public static override of(c: IConstruct): Platform {
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (Platform.isPlatform(s)) return s;
    throw new Error(`${c.node.path}: not inside a Platform`);
  }

  /** The bundle installed. */
  public readonly bundle: Bundle;
  /** Delivery mode. */
  public readonly mode: PlatformMode;
  /** Tenant rendering. */
  public readonly tenantRendering: TenantRendering;
  /** The root tenant, `tenant-root`. */
  public readonly rootTenant: Tenant;
  /** @internal */
  public readonly model: PlatformModel;
  /** @internal */
  public readonly tenantContext: PlatformContext;
  /**
   * Application kinds this platform serves, from its release's catalog: at a release of bundles
   * (v0.41) those whose `-rd` component is installed, at a release of packages (v1.x) every kind of
   * the release (each has its PackageSource in the release's platform chart).
   */
  public readonly applications: readonly AppDefinition[];
  private readonly credentialsProps?: CredentialsProps;
  private readonly exposeProps?: PlatformSettings['expose'];
  /** Warnings found so far (e.g. app values the chart does not know). */
  public readonly warnings: string[] = [];

  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    brand(this, PLATFORM_BRAND);
    try {
      this.model = resolvePlatform(props, `Platform ${this.node.path}`);
    } catch (e) {
      scope.node.tryRemoveChild(id); // a platform that failed leaves nothing behind
      throw e;
    }
    // What the operator would report of the chart's Packages (one waiting for a Package the variant does not install).
    for (const w of this.model.chart?.warnings ?? []) this.warnings.push(`Cozystack ${this.model.release.version}: the operator would not install it: ${w}`);
    this.credentialsProps = props.credentials;
    this.exposeProps = props.expose;
    this.bundle = this.model.bundle;
    this.mode = this.model.mode;
    this.tenantRendering = this.model.tenantRendering;
    const installed = new Set(this.model.components.map((c) => c.name));
    const byComponent = (a: AppDefinition): boolean => ALWAYS_AVAILABLE.has(a.chart) || installed.has(`${a.chart}-rd`);
    const catalog = appCatalogOf(this.model.release).definitions;
    this.applications = this.model.release.delivery === 'packages' ? catalog : catalog.filter(byComponent);
    renderPlatform(this, this.model, this.applications);
    const rendering = this.tenantRendering;
    const perChart = props.tenantsPerChart;
    if (perChart !== undefined && !(Number.isInteger(perChart) && perChart > 0)) {
      throw new CozystackValidationError([{ subject: `Platform ${this.node.path}`, path: 'tenantsPerChart', message: `expected a positive integer, got ${JSON.stringify(perChart)}`, rule: 'invalid-number' }]);
    }
    const groups = new Map<Tenant, Construct>();
    let group: Chart | undefined;
    let inGroup = 0;
    const objectScope = (t: Tenant): Construct => {
      if (perChart === undefined) return t;
      let s = groups.get(t);
      if (!s) {
        if (!group || inGroup === perChart) {
          group = new Chart(scope, `${id}-tenants-${groups.size / perChart}`, { disableResourceNameHashes: true });
          inGroup = 0;
        }
        inGroup++;
        s = new Construct(group, t.namespace);
        groups.set(t, s);
      }
      return s;
    };
    const env = { rendering, clusterValues: this.model.clusterValues, rootTenantDependsOn: this.rootTenantDependsOn(), sourcing: this.model.charts };
    this.tenantContext = {
      rootHost: this.model.rootHost,
      release: this.model.release,
      clusterValues: this.model.clusterValues,
      hosts: new Map(),
      namespaces: new Map(),
      bundleName: this.bundle.name,
      strict: props.strict === true,
      credentialHandling: props.credentials?.handling ?? 'secret',
      releases: new Map(),
      servesChart: (chart) => this.applications.some((a) => a.chart === chart),
      warn: (m) => this.warnings.push(m),
      apps: new Set(),
      charts: this.model.charts,
      objectScope,
      renderTenant: (t) => renderTenant(objectScope(t), t, env),
    };
    registerPlatformContext(this, this.tenantContext);
    try {
      this.rootTenant = mapProblems(() => new Tenant(this, 'root', props.rootTenant ?? {}), (p) => ({ ...p, path: prefixed('rootTenant.', p.path, 'rootTenant') }), 'invalid root tenant');
    } catch (e) {
      scope.node.tryRemoveChild(id); // a platform that failed leaves nothing behind
      throw e;
    }
  }

  /** Files the output holds besides objects: `.gitignore` (secrets/), `.sops.yaml` when SOPS keys are set. */
  public get extraFiles(): Map<string, string> {
    const files = new Map<string, string>([['.gitignore', '# Written by cozystack-cdk8s: plain-text credentials stay out of Git.\nsecrets/\n']]);
    const sops = this.credentialsProps?.sops;
    if (sops && (sops.age?.length || sops.pgp?.length)) {
      const rule = [
        '  - path_regex: secrets/.*\\.yaml$',
        '    encrypted_regex: ^(data|stringData)$',
        ...(sops.age?.length ? [`    age: ${sops.age.join(',')}`] : []),
        ...(sops.pgp?.length ? [`    pgp: ${sops.pgp.join(',')}`] : []),
      ];
      files.set('.sops.yaml', ['# Written by cozystack-cdk8s: encrypt secrets/ with `sops --encrypt --in-place`.', 'creation_rules:', ...rule, ''].join('\n'));
    }
    return files;
  }

  /**
   * Checks of the finished tree that no single construct can make: the tenant named by
   * `expose.ingress` exists and runs an ingress, when anything is exposed.
   * @internal
   */
  public _validateTree(): Problem[] {
    const e = this.exposure();
    if (!e.services.length && !e.externalIPs.length) return [];
    const ns = e.ingress;
    const find = (t: Tenant): Tenant | undefined => (t.namespace === ns ? t : t.children.map(find).find((x) => x));
    const tenant = find(this.rootTenant);
    const subject = `Platform ${this.node.path}`;
    if (!tenant) return [{ subject, path: 'expose.ingress', message: `${ns} is not a tenant namespace; exposed services need the ingress of a tenant`, rule: 'not-a-tenant' }];
    if (!tenant.runs('ingress')) return [{ subject, path: 'expose.ingress', message: `tenant ${ns} runs no ingress (set ingress: true on it)`, rule: 'no-ingress' }];
    return [];
  }

  /** What the platform exposes, and through which tenant's ingress: the settings, or at v1.x the chart's values they give. */
  private exposure(): { services: readonly string[]; externalIPs: readonly string[]; ingress: string } {
    const publishing = this.model.chart?.values.publishing as { exposedServices?: unknown; externalIPs?: unknown; ingressName?: unknown } | undefined;
    const given = this.model.chart?.packageValues.publishing as Record<string, unknown> | undefined;
    // The chart's own default exposure is not checked against the tree: only what the settings ask for.
    if (publishing && !(given && ('exposedServices' in given || 'externalIPs' in given))) return { services: [], externalIPs: [], ingress: 'tenant-root' };
    if (publishing) {
      const list = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : []);
      return { services: list(publishing.exposedServices), externalIPs: list(publishing.externalIPs), ingress: typeof publishing.ingressName === 'string' && publishing.ingressName ? publishing.ingressName : 'tenant-root' };
    }
    const e = this.exposeProps;
    return { services: e?.services ?? [], externalIPs: e?.externalIPs ?? [], ingress: e?.ingress ?? 'tenant-root' };
  }

  /** Releases the root tenant waits for: those of ROOT_TENANT_DEPENDENCIES that are installed. */
  private rootTenantDependsOn(): { name: string; namespace: string }[] {
    return this.model.components.filter((c) => ROOT_TENANT_DEPENDENCIES.includes(c.name)).map((c) => ({ name: c.releaseName, namespace: c.namespace }));
  }

  /** Names of the components installed, in bundle order. */
  public get installedComponents(): string[] {
    return this.model.components.map((c) => c.name);
  }
}

/** @deprecated The constructor props of a {@link Platform} are {@link PlatformProps}. */
export type PlatformConstructProps = PlatformProps;

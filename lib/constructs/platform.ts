import { type ApiObject, Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { appCatalogOf } from '../model/app-catalog.js';
import { notServedReason, servesApp } from '../model/served-apps.js';
import { basicsOwnsRootTenant, PACKAGE_PREFIX } from '../model/platform-chart.js';
import type { AppDefinition } from '../model/app-definition.js';
import type { Bundle } from '../model/bundle.js';
import { CozystackValidationError, mapProblems, prefixed, type Problem } from '../core/errors.js';
import type { PlatformContext } from './platform-context.js';
import { type PlatformModel, resolvePlatform } from '../model/platform-model.js';
import type { PlatformMode, PlatformSettings, TenantRendering } from '../model/settings.js';
import type { TenantProps } from '../model/tenant-model.js';
import { HostRegistry } from '../model/host-zones.js';
import { credentialShapeOf, findCredentialShapes } from '../model/credential-shapes.js';
import { renderPlatform } from '../renderings/platform.js';
import { Tenant } from './tenant.js';
import { brand, hasBrand, PLATFORM_BRAND, registerPlatformContext } from './tree.js';
import { renderTenant } from '../renderings/tenant.js';
import { CREDENTIALS_KUSTOMIZATION, FLUX_NAMESPACE, gitOpsBootstraps, SOPS_KEYS_SECRET } from '../renderings/gitops.js';

/** Components the root tenant waits for, when installed (upstream rule). */
const ROOT_TENANT_DEPENDENCIES = ['cilium', 'kubeovn'];
/** Application charts that are always available: the tenant chart and its modules. */
const ALWAYS_AVAILABLE = new Set(['tenant', 'etcd', 'ingress', 'monitoring', 'seaweedfs', 'info']);

/** The platform's variants: what `variant` may name. */
const VARIANTS = ['isp-full', 'isp-full-generic', 'isp-hosted'] as const;
const LAYERS = ['iaas', 'paas', 'naas'] as const;

/**
 * How to have the platform serve an app kind whose Package (`cozystack.<short>`) the chart does not
 * render: the first change that renders it, found by rendering the chart again with it (an error
 * path only): enabling it (or the Package it comes with, `bootbox` for `bootbox-application`),
 * then also turning a layer on, then another variant; or that no variant of the release renders it.
 */
function servingRemedy(props: PlatformProps, model: PlatformModel, short: string, definition: AppDefinition): string | undefined {
  const serves = (over: Partial<PlatformProps>): boolean => {
    try {
      const m = resolvePlatform({ ...props, ...over }, 'probe');
      return m.chart !== undefined && servesApp(m.chart, definition);
    } catch {
      return false;
    }
  };
  const base = short.replace(/-application$/, '');
  const enables = [...new Set([short, base])].filter((n) => model.chart?.sources.has(`${PACKAGE_PREFIX}${n}`));
  const enabled = (n: string) => ({ components: { ...props.components, enable: [...(props.components?.enable ?? []), n] } });
  const platformValues = (layers: readonly string[]) => {
    const pv = (props.platformValues ?? {}) as Record<string, unknown>;
    const bundles = { ...((pv['bundles'] as Record<string, unknown> | undefined) ?? {}) };
    for (const l of layers) bundles[l] = { ...((bundles[l] as Record<string, unknown> | undefined) ?? {}), enabled: true };
    return { platformValues: { ...pv, bundles } };
  };
  for (const n of enables) if (serves(enabled(n))) return `add '${n}' to components.enable to serve it`;
  for (const layer of LAYERS) {
    if (serves(platformValues([layer]))) return `turn its layer on (platformValues bundles.${layer}.enabled: true) to serve it`;
    for (const n of enables) if (serves({ ...enabled(n), ...platformValues([layer]) })) return `turn its layer on (platformValues bundles.${layer}.enabled: true) and add '${n}' to components.enable to serve it`;
  }
  const variants = VARIANTS.filter((v) => v !== model.chart?.variant && [{}, ...enables.map(enabled)].some((e) => serves({ ...e, ...platformValues(LAYERS), variant: v })));
  if (variants.length) return `variant ${variants.join(', ')} can install it (with its layer on, enabled where optional)`;
  return `no variant of the Cozystack ${model.release.version} platform chart renders it with any layers or enabled packages (the release has its PackageSource, but no bundle installs its Package)`;
}

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
   * Write a `.sops.yaml` whose creation rules encrypt the Secrets of `secrets/` for these keys
   * (`sops --encrypt --in-place`), so that they can be committed; `secrets/` is then not in the
   * `.gitignore`, and a {@link GitOpsBootstrap} adds the Flux Kustomization `cozystack-credentials`
   * that applies them, decrypted with the keys of the Secret `flux-system/sops-age`.
   * @default - no .sops.yaml: the Secrets are kept out of Git and must be applied by other means
   */
  readonly sops?: {
    /** age recipients (`age1...`). @default [] */
    readonly age?: readonly string[];
    /** PGP fingerprints (hexadecimal). @default [] */
    readonly pgp?: readonly string[];
  };
}

/**
 * Properties of a {@link Platform}: the platform settings ({@link PlatformSettings}, what the
 * upstream platform reads), the root tenant's own settings, and how the library writes the output.
 */
export interface PlatformProps extends PlatformSettings {
  /**
   * Settings of the root tenant (`tenant-root`). No `gateway` or `schedulingClass`: the root's
   * Gateway is the platform's (`gateway-enabled`), and the tenant chart gives tenant-root no
   * SchedulingClass.
   * @default - host = rootHost, runs all four services, isolated
   */
  readonly rootTenant?: Omit<TenantProps, 'host' | 'gateway' | 'schedulingClass'>;
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
   * Treat as errors instead of warnings: app values the chart's schema does not know, and
   * credentials recognised by their shape in what is committed (the password of a URL's userinfo
   * in the source URL, the Git URL or any value, private keys and well-known tokens, keys named
   * like credentials in free-form maps such as `valuesOverride` and `components.values`, a password
   * in `cloudInit`). Credentials a chart marks, committed with `credentials.handling: inline`,
   * stay warnings (inline is asked for).
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
   * (v0.41) those whose `-rd` component is installed, at a release of packages (v1.x) those whose
   * Package (the `cozystack.<x>-application` installing the kind's ApplicationDefinition) the
   * platform chart renders for the variant and settings.
   */
  public readonly applications: readonly AppDefinition[];
  /**
   * Who writes tenant-root's Namespace, `cozystack-values` Secret and HelmRelease: at v1.x, when
   * the platform installs cozystack-basics, its chart (the output then holds only the objects the
   * root's settings add to the tenant chart's render of tenant-root: modules, their policies, the
   * quota); otherwise the output.
   */
  public readonly rootTenantOwner: 'cozystack-basics' | 'output';
  private readonly credentialsProps?: CredentialsProps;
  private readonly strict: boolean;
  private readonly exposeProps?: PlatformSettings['expose'];
  /**
   * Warnings found so far, one line each (`<subject> <path>: <message> [<rule>]`): app values the
   * chart does not know, credentials moved to a Secret or recognised by their shape, credentials
   * Secrets that must be applied by other means (added at synthesis). Never a credential's value.
   * `synthesize()` returns them too.
   */
  public readonly warnings: string[] = [];

  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id, { disableResourceNameHashes: true });
    brand(this, PLATFORM_BRAND);
    // A JavaScript caller may give no props: the model reports the missing bundle.
    props ??= {} as PlatformProps;
    // Checks of the settings the model does not make: SOPS recipients, and credentials by shape in
    // the settings that are committed (issue 15, point 8): the source URL's userinfo, tokens and
    // keys named like credentials in components.values. Reported with the model's, in one report.
    const shapes = [
      ...findCredentialShapes(typeof props.source?.url === 'string' ? props.source.url : undefined, 'source.url'),
      ...findCredentialShapes(props.components?.values, 'components.values', true),
    ];
    const shapeMessage = (f: { path: string; reason: string }) =>
      f.path === 'source.url'
        ? `${f.reason}; it would be committed to Git in the platform source (the value is not shown): give the credentials as a Secret (source.secretName)`
        : `${f.reason}; it would be committed to Git with the component's values (the value is not shown): keep credentials out of components.values`;
    const subject = `Platform ${this.node.path}`;
    const ownProblems = [
      ...sopsProblems(props.credentials?.sops),
      ...(props.strict === true ? shapes.map((f) => ({ subject: '', path: f.path, message: shapeMessage(f), rule: 'credential-shape' })) : []),
    ].map((p) => ({ ...p, subject }));
    try {
      this.model = resolvePlatform(props, subject);
    } catch (e) {
      scope.node.tryRemoveChild(id); // a platform that failed leaves nothing behind
      if (e instanceof CozystackValidationError && ownProblems.length) throw new CozystackValidationError([...e.problems, ...ownProblems], e.heading);
      throw e;
    }
    if (ownProblems.length) {
      scope.node.tryRemoveChild(id);
      throw new CozystackValidationError(ownProblems, 'invalid Platform');
    }
    // What the operator would report of the chart's Packages (one waiting for a Package the variant does not install).
    for (const w of this.model.chart?.warnings ?? []) this.warnings.push(`Cozystack ${this.model.release.version}: the operator would not install it: ${w}`);
    this.credentialsProps = props.credentials;
    this.strict = props.strict === true;
    if (props.strict !== true) for (const f of shapes) this.warnings.push(`Platform ${this.node.path} ${f.path}: ${shapeMessage(f)} [credential-shape]`);
    this.exposeProps = props.expose;
    this.bundle = this.model.bundle;
    this.mode = this.model.mode;
    this.tenantRendering = this.model.tenantRendering;
    const installed = new Set(this.model.components.map((c) => c.name));
    const byComponent = (a: AppDefinition): boolean => ALWAYS_AVAILABLE.has(a.chart) || installed.has(`${a.chart}-rd`);
    const catalog = appCatalogOf(this.model.release).definitions;
    const chart = this.model.chart;
    // v1.x: the kinds whose Package (the one installing their ApplicationDefinition) the platform chart renders.
    this.applications = this.model.release.delivery === 'packages' ? (chart ? catalog.filter((a) => servesApp(chart, a)) : catalog) : catalog.filter(byComponent);
    this.rootTenantOwner = basicsOwnsRootTenant(this.model.chart) ? 'cozystack-basics' : 'output';
    renderPlatform(this, this.model);
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
    const env = {
      rendering,
      clusterValues: this.model.clusterValues,
      rootTenantDependsOn: this.rootTenantDependsOn(),
      sourcing: this.model.charts,
      release: this.model.release,
      rootOwnedByBasics: this.rootTenantOwner === 'cozystack-basics',
    };
    this.tenantContext = {
      rootHost: this.model.rootHost,
      release: this.model.release,
      clusterValues: this.model.clusterValues,
      hosts: new Map(),
      hostRegistry: new HostRegistry(),
      namespaces: new Map(),
      bundleName: this.bundle.name,
      strict: props.strict === true,
      credentialHandling: props.credentials?.handling ?? 'secret',
      credentialSecrets: new Map(),
      credentialsEncrypted: this.usesSops,
      sopsRecipients: this.usesSops ? [...(props.credentials?.sops?.age ?? []), ...(props.credentials?.sops?.pgp ?? [])] : [],
      releases: new Map(),
      notServed: (definition) => {
        if (this.model.release.delivery === 'packages') return chart ? notServedReason(chart, definition, (short) => servingRemedy(props, this.model, short, definition)) : undefined;
        if (byComponent(definition)) return undefined;
        return `the platform does not serve ${definition.kind}: component ${definition.chart}-rd is not installed in bundle ${this.bundle.name}`;
      },
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

  /** True when SOPS recipients are set: the credentials Secrets are committed encrypted. */
  private get usesSops(): boolean {
    const sops = this.credentialsProps?.sops;
    return !!(sops && (sops.age?.length || sops.pgp?.length));
  }

  /**
   * Files the output holds besides objects: `.gitignore` (secrets/, unless SOPS keys are set),
   * `.sops.yaml` when SOPS keys are set.
   */
  public get extraFiles(): Map<string, string> {
    const sops = this.credentialsProps?.sops;
    const files = new Map<string, string>([
      [
        '.gitignore',
        this.usesSops
          ? '# Written by cozystack-cdk8s: secrets/ is committed encrypted (sops --encrypt --in-place, rules in .sops.yaml).\n'
          : '# Written by cozystack-cdk8s: plain-text credentials stay out of Git.\nsecrets/\n',
      ],
    ]);
    if (sops && this.usesSops) {
      const rule = [
        // The Secrets only: a kustomization.yaml with a sops block is no longer one kustomize reads.
        '  - path_regex: secrets/[^/]+/secret-[^/]+\\.yaml$',
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

  /**
   * What the output needs once the tree is complete, made once per synthesis: with SOPS keys and
   * credentials Secrets, the Flux Kustomization that applies them in each GitOps bootstrap of the
   * tree; a warning naming the Secrets and how they reach the cluster (or that nothing Flux
   * applies delivers them). Returns the objects made by this call.
   * @internal
   */
  public _finishOutput(): ApiObject[] {
    // A Git URL with a password in its userinfo is written into the GitRepository, which is committed.
    const gitUrlProblems: Problem[] = [];
    for (const b of gitOpsBootstraps(this)) {
      const shape = credentialShapeOf(b.url);
      if (!shape) continue;
      const message = `looks like ${shape}; it would be committed to Git in the GitRepository flux-system/cozystack-gitops (the value is not shown): give the credentials as a Secret in flux-system (gitops.secretName)`;
      if (this.strict) gitUrlProblems.push({ subject: `GitOps ${b.node.path}`, path: 'url', message, rule: 'credential-shape' });
      else if (!this.warnings.includes(`GitOps ${b.node.path} url: ${message} [credential-shape]`)) this.warnings.push(`GitOps ${b.node.path} url: ${message} [credential-shape]`);
    }
    if (gitUrlProblems.length) throw new CozystackValidationError(gitUrlProblems, 'credentials would be committed');
    const secrets = [...this.tenantContext.credentialSecrets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!secrets.length) return [];
    const made: ApiObject[] = [];
    const list = secrets.map(([s, hr]) => `${s} (read by HelmRelease ${hr})`).join(', ');
    const bootstraps = gitOpsBootstraps(this);
    let warning: string;
    if (this.usesSops) {
      for (const b of bootstraps) {
        const o = b._addCredentialsKustomization();
        if (o) made.push(o);
      }
      warning = bootstraps.length
        ? `credentials Secrets ${list} go to secrets/, written in plain text until encrypted: encrypt each file with \`sops --encrypt --in-place\` (rules in .sops.yaml) before committing; synth keeps an encrypted file as it is while its content does not change, and names any it writes in plain text again; the Flux Kustomization ${FLUX_NAMESPACE}/${CREDENTIALS_KUSTOMIZATION} applies them, decrypted with the keys of the Secret ${FLUX_NAMESPACE}/${SOPS_KEYS_SECRET}`
        : `credentials Secrets ${list} go to secrets/ for SOPS (rules in .sops.yaml), written in plain text until encrypted, but no GitOps bootstrap (gitops, --git-url) applies secrets/: encrypt them before committing (synth keeps an encrypted file as it is while its content does not change) and apply them by other means`;
    } else {
      warning = `credentials Secrets ${list} are written under secrets/, which is kept out of Git, and nothing Flux applies delivers them; the HelmReleases that read them wait until they exist: apply them by other means (kubectl apply -k <out>/secrets), set credentials.sops to commit them encrypted, or give the apps an existing Secret (credentialsSecret)`;
    }
    if (!this.warnings.includes(warning)) this.warnings.push(warning);
    return made;
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

/** Recipients that are not an age recipient or a PGP fingerprint (they are written into .sops.yaml as given). */
function sopsProblems(sops: CredentialsProps['sops']): Problem[] {
  const problems: Problem[] = [];
  (Array.isArray(sops?.age) ? sops.age : []).forEach((r: unknown, i: number) => {
    if (typeof r !== 'string' || !/^age1[0-9a-z]+$/.test(r)) problems.push({ subject: '', path: `credentials.sops.age[${i}]`, message: `expected an age recipient (age1 followed by lowercase letters and digits), got ${JSON.stringify(r)}`, rule: 'invalid-recipient' });
  });
  (Array.isArray(sops?.pgp) ? sops.pgp : []).forEach((r: unknown, i: number) => {
    if (typeof r !== 'string' || !/^[0-9A-Fa-f]+$/.test(r)) problems.push({ subject: '', path: `credentials.sops.pgp[${i}]`, message: `expected a PGP fingerprint (hexadecimal digits), got ${JSON.stringify(r)}`, rule: 'invalid-recipient' });
  });
  return problems;
}

/** @deprecated The constructor props of a {@link Platform} are {@link PlatformProps}. */
export type PlatformConstructProps = PlatformProps;

/**
 * The v1.x platform: what the upstream platform chart (`packages/core/platform`) renders for the
 * settings, computed at synth time. The settings become the values of the platform Package
 * (`cozystack.cozystack-platform`) as upstream's `hack/migrate-to-version-1.0.sh` makes them of
 * the same v0.41 settings, `platformValues` goes over them, and the chart model of the release
 * (`lib/releases/v1`) renders the Packages, PackageSources, the `cozystack-values` Secret and the
 * rest. The Packages are then expanded as the operator expands them, for flux mode.
 */
import { parse as parseYaml } from 'yaml';
import { didYouMean, type Problems } from '../core/errors.js';
import { deepMerge, isPlainObject, type JsonValue, type Values } from '../core/values.js';
import type { ReleaseProfile } from '../releases/profiles.js';
import {
  ChartTemplateError,
  mergeHelmValues,
  PlatformChartError,
  platformChartInputs,
  renderPlatformChart,
  type PlatformChartInputs,
  type PlatformChartLookups,
  type PlatformChartObject,
} from '../releases/v1/index.js';
import type { Bundle } from './bundle.js';
import { expandPackages, type OperatorExpansion, type PackageSourceSpec, type PackageSpec } from './package-sources.js';
import type { PlatformSettings, PlatformVariant } from './settings.js';
import type { ResolvedSource } from './source.js';

/** The v1 variants, and the v0.41 bundle each one replaces (upstream's migration: paas becomes isp). */
export const VARIANT_OF_BUNDLE: Readonly<Record<string, PlatformVariant>> = { 'paas-full': 'isp-full', 'paas-hosted': 'isp-hosted' };
/** What to use instead of a bundle removed in v1.0. */
const REMOVED_BUNDLES: Readonly<Record<string, string>> = {
  'distro-full': "bundle paas-full (variant isp-full) with platformValues.bundles.iaas/paas/naas.enabled: false, the system layer alone",
  'distro-hosted': "bundle paas-hosted (variant isp-hosted) with platformValues.bundles.paas/naas.enabled: false",
};
/** The prefix of every platform Package name. */
export const PACKAGE_PREFIX = 'cozystack.';
/** The Package whose chart renders tenant-root's Namespace, `cozystack-values` Secret and HelmRelease at v1.x. */
export const BASICS_PACKAGE = 'cozystack.cozystack-basics';

/**
 * True when the operator installs cozystack-basics for these settings (its HelmRelease in flux
 * mode, its Package in operator mode, with every dependency installed): then cozystack-basics
 * owns tenant-root's Namespace, values Secret and HelmRelease, which the output does not write.
 * @internal
 */
export function basicsOwnsRootTenant(chart: ResolvedPlatformChart | undefined): boolean {
  return chart !== undefined && chart.expansion.releases.some((r) => r.packageName === BASICS_PACKAGE);
}
/** The API the deletion guardrail needs; given to the chart as `--api-versions` when the guardrail is on. */
const GUARDRAIL_API = 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
/** Keys of `platformValues` other settings own. */
const OWNED_BY: Readonly<Record<string, string>> = { sourceRef: 'source (the chart copies the platform source into cozystack-packages)' };
/** The only key of the v0.41 `cozystack-scheduling` ConfigMap the v1 chart has (upstream's migration script). */
const SCHEDULING_KEY = 'globalAppTopologySpreadConstraints';

/** The platform chart of the pinned release, rendered for the settings. @internal */
export interface ResolvedPlatformChart {
  /** The release tag, e.g. `v1.6.2`. */
  readonly tag: string;
  /** The platform Package's variant. */
  readonly variant: PlatformVariant;
  /** The platform Package's values (`spec.components.platform.values`) these settings stand for. */
  readonly packageValues: Values;
  /** The values the chart sees: values.yaml, values-<variant>.yaml, then the Package's values. */
  readonly values: Values;
  /** What the chart renders, in helm's order; the Packages with `components.values` applied. */
  readonly objects: readonly PlatformChartObject[];
  /** The rendered Packages. */
  readonly packages: readonly PackageSpec[];
  /** The rendered PackageSources, by name. */
  readonly sources: ReadonlyMap<string, PackageSourceSpec>;
  /** What the operator makes of the Packages (flux mode renders it). */
  readonly expansion: OperatorExpansion;
  /** `_cluster` of the `cozystack-values` Secret. */
  readonly clusterValues: Values;
  /** Things the operator would report (a Package waiting for one that is not installed). */
  readonly warnings: readonly string[];
}

/**
 * Maps the settings to the platform Package's values, checks them against the chart of the
 * release, renders the chart and expands its Packages. Problems go to `p`; the result is
 * undefined when the chart could not be rendered.
 * @internal
 */
export function resolvePlatformChart(props: PlatformSettings, bundle: Bundle, release: ReleaseProfile, source: ResolvedSource, guardrail: boolean, p: Problems): ResolvedPlatformChart | undefined {
  const inputs = platformChartInputs(release.tag);
  if (!inputs) {
    p.add('version', `Cozystack ${release.version} has no platform chart in this library`, 'not-in-release');
    return undefined;
  }
  const variant = checkVariant(props, bundle, release, inputs, p);
  const packageNames = new Set(inputs.sources.flatMap((f) => f.documents).filter((d) => d.kind === 'PackageSource').map((d) => String((d.metadata as Values).name)));
  const mapped = settingsValues(props, source, inputs, variant, packageNames, release, p);
  const user = (props.platformValues ?? {}) as Values;
  if (!isPlainObject(user)) p.add('platformValues', `expected a map of platform chart values, got ${JSON.stringify(user)}`, 'invalid-type');
  else checkChartKeys(user, inputs.defaults, 'platformValues', release, p);
  checkPackageList(user, 'enabledPackages', packageNames, release, p);
  checkPackageList(user, 'disabledPackages', packageNames, release, p);
  if (variant === undefined || p.size > 0) return undefined;

  const packageValues = mergeHelmValues({}, mapped, isPlainObject(user) ? user : {});
  const values = mergeHelmValues(inputs.defaults, inputs.variants[variant] ?? {}, packageValues);
  let objects: PlatformChartObject[];
  try {
    objects = renderPlatformChart({
      release: inputs.release,
      values,
      sources: inputs.sources,
      files: inputs.files,
      lookups: { platformSource: { spec: sourceSpec(source) }, ...clusterLookups(props, p) },
      apiVersions: guardrail ? [GUARDRAIL_API] : [],
    });
  } catch (e) {
    if (e instanceof PlatformChartError) {
      p.add(blame(e.subject, user), `the platform chart of Cozystack ${release.version} refuses: ${e.message}`, 'chart-refuses');
      return undefined;
    }
    if (e instanceof ChartTemplateError) {
      p.add('platformValues', `the platform chart of Cozystack ${release.version} fails in ${e.template}: ${e.message}`, 'chart-refuses');
      return undefined;
    }
    throw e;
  }
  const sources = new Map<string, PackageSourceSpec>();
  for (const o of objects) if (o.kind === 'PackageSource') sources.set(o.metadata.name, packageSourceSpec(o));
  objects = applyComponentValues(props, objects, sources, p);
  const packages = objects.filter((o) => o.kind === 'Package').map(packageSpec);
  const expansion = expandPackages(packages, sources);
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'cozystack-values');
  const text = (secret?.stringData as Record<string, string> | undefined)?.['values.yaml'] ?? '';
  const parsed = (parseYaml(text, { version: '1.1' }) ?? {}) as Values;
  return {
    tag: release.tag,
    variant,
    packageValues,
    values,
    objects,
    packages,
    sources,
    expansion,
    clusterValues: isPlainObject(parsed._cluster) ? (parsed._cluster as Values) : {},
    warnings: expansion.problems,
  };
}

/** The variant: given, or from the bundle; the distro bundles are gone in v1.0. */
function checkVariant(props: PlatformSettings, bundle: Bundle, release: ReleaseProfile, inputs: PlatformChartInputs, p: Problems): PlatformVariant | undefined {
  const known = Object.keys(inputs.variants).sort();
  if (props.variant !== undefined) {
    if (!known.includes(props.variant)) {
      p.add('variant', `'${String(props.variant)}' is not a variant of the platform chart of Cozystack ${release.version} (it has ${known.join(', ')})${didYouMean(String(props.variant), known)}`, 'not-in-release');
      return undefined;
    }
  }
  const removed = REMOVED_BUNDLES[bundle.name];
  if (removed !== undefined) {
    p.add('bundle', `bundle ${bundle.name} was removed upstream in Cozystack v1.0 and Cozystack ${release.version} does not have it; use ${removed}`, 'not-in-release');
    return undefined;
  }
  const variant = props.variant ?? VARIANT_OF_BUNDLE[bundle.name];
  if (variant === undefined) {
    p.add('bundle', `bundle ${bundle.name} is no bundle of Cozystack ${release.version}, whose platform is a variant of its platform chart (${known.join(', ')}); set variant, and platformValues to change what it installs`, 'not-in-release');
  }
  return variant;
}

/** The Package's values the settings other than `platformValues` stand for. */
function settingsValues(props: PlatformSettings, source: ResolvedSource, inputs: PlatformChartInputs, variant: PlatformVariant | undefined, packages: ReadonlySet<string>, release: ReleaseProfile, p: Problems): Values {
  const v: Values = {};
  const put = (path: readonly string[], value: JsonValue): void => {
    let o = v;
    for (const k of path.slice(0, -1)) o = (o[k] = isPlainObject(o[k]) ? o[k] : {}) as Values;
    o[path[path.length - 1]!] = value;
  };
  // sourceRef: the chart copies the platform source; its kind is the source's.
  if (source.kind !== 'OCIRepository' && !p.all().some((x) => x.path === 'source.url')) {
    p.add('source.url', `Cozystack ${release.version} reads its charts from an OCI artifact (the PackageSources of its platform chart name the OCIRepository cozystack-packages); give an oci:// URL`, 'not-in-release');
  }
  if (props.rootHost !== undefined) put(['publishing', 'host'], props.rootHost);
  if (props.apiServerEndpoint !== undefined) put(['publishing', 'apiServerEndpoint'], props.apiServerEndpoint);
  // Each setting maps as the migration script maps its ConfigMap key; an unset one keeps the chart's default.
  if (props.expose?.services !== undefined) put(['publishing', 'exposedServices'], [...props.expose.services]);
  if (props.expose?.ingress !== undefined) put(['publishing', 'ingressName'], props.expose.ingress);
  if (props.expose?.externalIPs !== undefined) put(['publishing', 'externalIPs'], [...props.expose.externalIPs]);
  if (props.clusterIssuer === 'http01') put(['publishing', 'certificates'], { solver: 'http01', issuerName: 'letsencrypt-prod' });
  if (props.clusterIssuer === 'cloudflare') put(['publishing', 'certificates'], { solver: 'dns01', issuerName: 'letsencrypt-prod' });
  if (props.oidc?.enabled !== undefined) put(['authentication', 'oidc', 'enabled'], props.oidc.enabled);
  if (props.oidc?.extraRedirectUriForDashboard !== undefined) put(['authentication', 'oidc', 'keycloakExtraRedirectUri'], props.oidc.extraRedirectUriForDashboard);
  if (props.clusterDomain !== undefined) put(['networking', 'clusterDomain'], props.clusterDomain);
  const net = props.network ?? {};
  if (net.podCidr !== undefined) put(['networking', 'podCIDR'], net.podCidr);
  if (net.podGateway !== undefined) put(['networking', 'podGateway'], net.podGateway);
  if (net.serviceCidr !== undefined) put(['networking', 'serviceCIDR'], net.serviceCidr);
  if (net.joinCidr !== undefined) put(['networking', 'joinCIDR'], net.joinCidr);
  if (props.controlPlaneNodeIPs?.length) put(['networking', 'kubeovn', 'MASTER_NODES'], props.controlPlaneNodeIPs.join(','));
  for (const k of ['cpuAllocationRatio', 'memoryAllocationRatio', 'ephemeralStorageAllocationRatio'] as const) {
    const r = props.resources?.[k];
    if (r !== undefined) put(['resources', k], r);
  }
  if (props.branding && Object.keys(props.branding).length) put(['branding'], { ...props.branding });
  for (const [k, s] of Object.entries(props.scheduling ?? {})) {
    // The ConfigMap holds YAML text; the script writes it into the values as YAML (a list of constraints).
    if (k === SCHEDULING_KEY) {
      try {
        put(['scheduling', SCHEDULING_KEY], (parseYaml(s) ?? '') as JsonValue);
      } catch (e) {
        p.add(`scheduling.${k}`, `is no YAML (the topology spread constraints, a list): ${(e as Error).message.split('\n')[0]}`, 'invalid-yaml');
      }
    } else p.add(`scheduling.${k}`, `the platform chart of Cozystack ${release.version} has only scheduling.${SCHEDULING_KEY}${didYouMean(k, [SCHEDULING_KEY])}`, 'not-in-release');
  }
  if (props.migrationsTargetVersion !== undefined) put(['migrations', 'targetVersion'], props.migrationsTargetVersion);
  if (props.managementKubeconfigEndpoint !== undefined) {
    p.add('managementKubeconfigEndpoint', `Cozystack ${release.version} has no management kubeconfig endpoint (its platform chart has publishing.apiServerEndpoint only)`, 'not-in-release');
  }
  // components.enable/disable are Packages, `cozystack.<name>` (upstream's migration script).
  const list = (names: readonly string[] | undefined, path: string): string[] =>
    (names ?? []).map((n, i) => {
      const name = `${PACKAGE_PREFIX}${n}`;
      if (!packages.has(name)) {
        const bare = [...packages].map((x) => x.slice(PACKAGE_PREFIX.length));
        p.add(`${path}[${i}]`, `Cozystack ${release.version} has no package ${name}${didYouMean(n, bare)}`, 'unknown-package');
      }
      return name;
    });
  const enable = list(props.components?.enable, 'components.enable');
  const disable = list(props.components?.disable, 'components.disable');
  if (enable.length) {
    // Added to the variant's own optional packages (isp-full-generic enables one), not replacing them.
    const own = safeList(inputs.variants[variant ?? '']?.bundles, 'enabledPackages');
    put(['bundles', 'enabledPackages'], [...new Set([...own, ...enable])]);
  }
  if (disable.length) put(['bundles', 'disabledPackages'], disable);
  for (const n of props.components?.enable ?? []) {
    if ((props.components?.disable ?? []).includes(n)) p.add('components.enable', `component '${n}' is both enabled and disabled`, 'conflicting-setting');
  }
  if (props.components?.chartPaths && Object.keys(props.components.chartPaths).length) {
    p.add('components.chartPaths', `at Cozystack ${release.version} chart folders come from the release's PackageSources; use source to take the charts from another artifact`, 'not-in-release');
  }
  return v;
}

function safeList(o: JsonValue | undefined, key: string): string[] {
  const l = isPlainObject(o) ? (o as Values)[key] : undefined;
  return Array.isArray(l) ? l.map(String) : [];
}

/** Every key of the user's values must be one the chart has; maps whose default is empty are free-form. */
function checkChartKeys(user: Values, defaults: Values, path: string, release: ReleaseProfile, p: Problems): void {
  for (const [k, value] of Object.entries(user)) {
    const at = `${path}.${k}`;
    if (path === 'platformValues' && OWNED_BY[k] !== undefined) {
      p.add(at, `is set by ${OWNED_BY[k]}`, 'conflicting-setting');
      continue;
    }
    if (!(k in defaults)) {
      p.add(at, `the platform chart of Cozystack ${release.version} has no value ${at.slice('platformValues.'.length)} (it has ${Object.keys(defaults).join(', ')})${didYouMean(k, Object.keys(defaults))}`, 'not-in-release');
      continue;
    }
    const d = defaults[k];
    if (isPlainObject(d) && Object.keys(d as Values).length > 0) {
      if (isPlainObject(value)) checkChartKeys(value as Values, d as Values, at, release, p);
      else if (value !== null) p.add(at, `expected a map (the chart's ${at.slice('platformValues.'.length)} has ${Object.keys(d as Values).join(', ')}), got ${JSON.stringify(value)}`, 'invalid-type');
    }
  }
}

function checkPackageList(user: Values, key: 'enabledPackages' | 'disabledPackages', packages: ReadonlySet<string>, release: ReleaseProfile, p: Problems): void {
  const bundles = isPlainObject(user.bundles) ? (user.bundles as Values) : undefined;
  const list = bundles?.[key];
  if (!Array.isArray(list)) return;
  list.forEach((n, i) => {
    if (typeof n !== 'string' || !packages.has(n)) {
      p.add(`platformValues.bundles.${key}[${i}]`, `Cozystack ${release.version} has no package ${JSON.stringify(n)}${didYouMean(String(n), packages)}`, 'unknown-package');
    }
  });
}

/**
 * The settings path to blame for a refusal of the chart about a values path: the user's own value
 * at that path; else, for a layer's setting, what chose the variant (a `bundles.system.variant` in
 * `platformValues`, or the `variant` prop); else `platformValues`.
 */
function blame(subject: string, user: Values): string {
  const given = (path: string): boolean => {
    let o: JsonValue | undefined = user;
    for (const k of path.split('.')) o = isPlainObject(o) ? (o as Values)[k] : undefined;
    return o !== undefined;
  };
  if (given(subject)) return `platformValues.${subject}`;
  if (!subject.startsWith('bundles.')) return 'platformValues';
  return given('bundles.system.variant') ? 'platformValues.bundles.system.variant' : 'variant';
}

/** The answers of the chart's look-ups that `clusterState` gives, as the cluster objects the chart would find. */
function clusterLookups(props: PlatformSettings, p: Problems): PlatformChartLookups {
  const c = props.clusterState;
  if (c === undefined) return {};
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    p.add('clusterState', `expected a map, got ${JSON.stringify(c)}`, 'invalid-type');
    return {};
  }
  const out: { -readonly [K in keyof PlatformChartLookups]: PlatformChartLookups[K] } = {};
  if (c.kubeRootCa !== undefined) {
    if (typeof c.kubeRootCa !== 'string' || c.kubeRootCa === '') p.add('clusterState.kubeRootCa', 'expected the CA certificate (PEM text)', 'invalid-type');
    else out.kubeRootCa = { data: { 'ca.crt': c.kubeRootCa } };
  }
  if (c.legacyConfig !== undefined) {
    const data = c.legacyConfig as unknown;
    if (!isPlainObject(data as JsonValue) || Object.values(data as object).some((v) => typeof v !== 'string')) p.add('clusterState.legacyConfig', 'expected the ConfigMap data: a map of strings', 'invalid-type');
    else out.cozystackConfigMap = { data: { ...(data as Record<string, string>) } };
  }
  if (c.installedDataVersion !== undefined) {
    if (!Number.isInteger(c.installedDataVersion) || (c.installedDataVersion as number) < 0) p.add('clusterState.installedDataVersion', `expected a non-negative integer, got ${JSON.stringify(c.installedDataVersion)}`, 'invalid-number');
    else out.versionConfigMap = { data: { version: String(c.installedDataVersion) } };
  }
  if (c.ouroborosInstalled !== undefined && typeof c.ouroborosInstalled !== 'boolean') p.add('clusterState.ouroborosInstalled', 'expected true or false', 'invalid-type');
  else if (c.ouroborosInstalled) out.ouroborosPackage = { apiVersion: 'cozystack.io/v1alpha1', kind: 'Package', metadata: { name: 'cozystack.ouroboros' } };
  return out;
}

/** The spec of the platform source, which the chart copies into `cozystack-packages`. */
function sourceSpec(source: ResolvedSource): Values {
  const spec: Values = { url: source.url, interval: source.interval };
  if (source.ref) spec.ref = { ...source.ref };
  if (source.secretName) spec.secretRef = { name: source.secretName };
  return spec;
}

/** `components.values` at v1.x: values of a component of an installed Package, merged into the Package's. */
function applyComponentValues(props: PlatformSettings, objects: PlatformChartObject[], sources: ReadonlyMap<string, PackageSourceSpec>, p: Problems): PlatformChartObject[] {
  const extra = props.components?.values ?? {};
  if (!Object.keys(extra).length) return objects;
  const owner = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'Package') continue;
    const spec = (o.spec ?? {}) as Values;
    const variant = sources.get(o.metadata.name)?.variants.find((v) => v.name === (spec.variant || 'default'));
    for (const c of variant?.components ?? []) if (c.install && !owner.has(c.name)) owner.set(c.name, o.metadata.name);
  }
  for (const [name, values] of Object.entries(extra)) {
    if (!owner.has(name)) p.add(`components.values.${name}`, `no installed Package has a component '${name}'${didYouMean(name, owner.keys())}`, 'unknown-component');
    else if (!isPlainObject(values)) p.add(`components.values.${name}`, `expected a map of values, got ${JSON.stringify(values)}`, 'invalid-type');
  }
  return objects.map((o) => {
    if (o.kind !== 'Package') return o;
    const mine = Object.entries(extra).filter(([n, v]) => owner.get(n) === o.metadata.name && isPlainObject(v));
    if (!mine.length) return o;
    const spec = { ...((o.spec ?? {}) as Values) };
    const components = { ...((spec.components ?? {}) as Values) };
    for (const [n, v] of mine) {
      const c = (components[n] ?? {}) as Values;
      components[n] = { ...c, values: deepMerge((c.values ?? {}) as Values, v as Values) };
    }
    spec.components = components;
    return { ...o, spec };
  });
}

function packageSourceSpec(o: PlatformChartObject): PackageSourceSpec {
  const spec = (o.spec ?? {}) as unknown as { sourceRef?: PackageSourceSpec['sourceRef']; variants?: PackageSourceSpec['variants'] };
  const annotations = (o.metadata.annotations ?? undefined) as Record<string, string> | undefined;
  return { name: o.metadata.name, ...(spec.sourceRef ? { sourceRef: spec.sourceRef } : {}), variants: spec.variants ?? [], ...(annotations ? { annotations } : {}) };
}

function packageSpec(o: PlatformChartObject): PackageSpec {
  const spec = (o.spec ?? {}) as unknown as { variant?: string; ignoreDependencies?: string[]; components?: PackageSpec['components'] };
  return { name: o.metadata.name, ...spec };
}

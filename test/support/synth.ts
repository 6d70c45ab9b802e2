import { App } from 'cdk8s';
import { Bundle, collectObjects, type KubeObject, Platform, type PlatformConstructProps } from '../../lib/index.js';
import { appCatalogOf } from '../../lib/model/app-catalog.js';
import { servingPackage } from '../../lib/model/served-apps.js';

/** Settings every paas bundle needs. */
export const PAAS = { rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' } as const;

/** Synthesizes one platform and returns its objects. */
export function synthPlatform(props: Partial<PlatformConstructProps> & { bundle?: Bundle }): { app: App; platform: Platform; objects: KubeObject[] } {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformConstructProps);
  return { app, platform, objects: collectObjects(app) };
}

export function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** HelmReleases of system components: labelled cozystack.io/system-app (v0.41 bundles) or made of a Package (cozystack.io/package, v1.x). */
export function systemReleases(objects: KubeObject[]): KubeObject[] {
  return ofKind(objects, 'HelmRelease').filter((o) => {
    const labels = (o.metadata.labels ?? {}) as Record<string, string>;
    return labels['cozystack.io/system-app'] === 'true' || labels['cozystack.io/package'] !== undefined;
  });
}

export function spec<T = Record<string, unknown>>(o: KubeObject): T {
  return o.spec as T;
}

/** `name@namespace -> dep@namespace` edges of HelmReleases. */
export function edgesOf(releases: KubeObject[]): string[] {
  return releases
    .flatMap((r) =>
      ((spec(r).dependsOn as { name: string; namespace: string }[] | undefined) ?? []).map((d) => `${r.metadata.name}@${r.metadata.namespace} -> ${d.name}@${d.namespace}`),
    )
    .sort();
}

const optionalApps = new Map<string, Record<string, unknown>>();
/**
 * Settings that serve every app kind of a release with paas-full: at v1.x `components.enable`
 * lists the optional Packages (ExternalDNS, BootBox, KubernetesNodes) the variant renders only
 * when enabled, computed from the rendered platform; at v0.41.11 nothing.
 */
export function everyAppServed(version?: string): Record<string, unknown> {
  const key = version ?? '';
  let props = optionalApps.get(key);
  if (!props) {
    const platform = new Platform(new App({ outdir: '/nonexistent-never-written' }), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...(version ? { version } : {}) });
    const chart = platform.model.chart;
    const served = new Set(platform.applications.map((a) => a.kind));
    const enable = chart
      ? [...new Set(appCatalogOf(platform.model.release).definitions.filter((d) => !served.has(d.kind)).map((d) => servingPackage(chart, d.chart)?.name.replace(/^cozystack\./, '')).filter((n): n is string => n !== undefined))].sort()
      : [];
    props = enable.length ? { components: { enable } } : {};
    optionalApps.set(key, props);
  }
  return props;
}

/**
 * Kinds of each release that paas-full with {@link everyAppServed} does not serve, written down so
 * that test files can branch on them while they are collected, without building a platform then
 * (a platform built at collection makes every mutant it reaches "static" in `npm run mutate`).
 * - 1.6.x BootBox: the platform chart renders the BootBox Packages only when `cozystack.bootbox`
 *   is in `bundles.enabledPackages` (packages/core/platform/templates/bundles/system.yaml at the
 *   tag); everyAppServed enables the Package that carries the definition, `bootbox-application`.
 * - 1.6.2 KubernetesNodes: no bundle of the platform chart installs
 *   `cozystack.kubernetes-nodes-application` (templates/bundles/iaas.yaml at v1.6.2; v1.6.0 does).
 * `test/app-releases.test.ts` checks this table against {@link unservedKinds}.
 */
export const UNSERVED_KINDS: Readonly<Record<string, readonly string[]>> = {
  '0.41.11': [],
  '1.6.0': ['BootBox'],
  '1.6.2': ['BootBox', 'KubernetesNodes'],
};

/** Kinds of a release no setting of paas-full serves, computed from a synthesized platform. */
export function unservedKinds(version?: string): Set<string> {
  const platform = new Platform(new App({ outdir: '/nonexistent-never-written' }), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...(version ? { version } : {}), ...everyAppServed(version) });
  const served = new Set(platform.applications.map((a) => a.kind));
  return new Set(appCatalogOf(platform.model.release).definitions.map((d) => d.kind).filter((k) => !served.has(k)));
}

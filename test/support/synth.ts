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

/** Kinds of a release no setting of paas-full serves (at 1.6.2 KubernetesNodes: no bundle of the platform chart installs its Package). */
export function unservedKinds(version?: string): Set<string> {
  const platform = new Platform(new App({ outdir: '/nonexistent-never-written' }), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...(version ? { version } : {}), ...everyAppServed(version) });
  const served = new Set(platform.applications.map((a) => a.kind));
  return new Set(appCatalogOf(platform.model.release).definitions.map((d) => d.kind).filter((k) => !served.has(k)));
}

import { App } from 'cdk8s';
import { Bundle, collectObjects, type KubeObject, Platform, type PlatformConstructProps } from '../../lib/index.js';

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

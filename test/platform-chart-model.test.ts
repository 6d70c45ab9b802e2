// The model of a v1.x platform chart (lib/model/platform-chart.ts): every problem its settings can
// have, in full, and what the model keeps of the chart's render. The key lists in messages are the
// chart's own values.yaml at the tag (releases/v1.6.2/upstream/packages/core/platform/values.yaml);
// what the model keeps of the render is compared with helm's recorded render of the same settings
// (releases/v1.6.2/renders/isp-full.defaults, made by scripts from the chart at the tag).
import { readFileSync } from 'node:fs';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, type KubeObject, Platform, type PlatformProps } from '../lib/index.js';
import { recordedRender, upstreamFile } from './support/reference.js';
import { ofKind, PAAS, spec } from './support/synth.js';

function build(props: Partial<PlatformProps> = {}): { platform: Platform; objects: KubeObject[] } {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformProps);
  return { platform, objects: collectObjects(app) };
}
const problems = (props: Record<string, unknown>): string[] => {
  try {
    build(props as Partial<PlatformProps>);
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected an error');
};
const chartValues = parse(readFileSync(upstreamFile('v1.6.2', 'packages/core/platform/values.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
const TOP_KEYS = Object.keys(chartValues).join(', ');
const PUBLISHING_KEYS = Object.keys(chartValues.publishing!).join(', ');

describe('problems of v1 settings, in full (Cozystack 1.6.2)', () => {
  it('the key lists of the messages are those of the chart (values.yaml at the tag)', () => {
    expect(TOP_KEYS).toBe('sourceRef, migrations, bundles, networking, publishing, authentication, gateway, monitoring, backupStorage, scheduling, branding, registries, resources, gpu');
    expect(PUBLISHING_KEYS).toContain('host, ingressName');
  });

  it.each([
    ['the distro bundles are gone', { bundle: Bundle.DISTRO_FULL }, ['bundle [not-in-release] bundle distro-full was removed upstream in Cozystack v1.0 and Cozystack 1.6.2 does not have it; use bundle paas-full (variant isp-full) with platformValues.bundles.iaas/paas/naas.enabled: false, the system layer alone']],
    ['(distro-hosted)', { bundle: Bundle.DISTRO_HOSTED }, ['bundle [not-in-release] bundle distro-hosted was removed upstream in Cozystack v1.0 and Cozystack 1.6.2 does not have it; use bundle paas-hosted (variant isp-hosted) with platformValues.bundles.paas/naas.enabled: false']],
    ['with no variant, components.enable is not read', { bundle: Bundle.DISTRO_FULL, components: { enable: ['bootbox'] } }, ['bundle [not-in-release] bundle distro-full was removed upstream in Cozystack v1.0 and Cozystack 1.6.2 does not have it; use bundle paas-full (variant isp-full) with platformValues.bundles.iaas/paas/naas.enabled: false, the system layer alone']],
    ['a custom bundle', { bundle: Bundle.PAAS_FULL.with({ name: 'mine', remove: ['multus'] }) }, ['bundle [not-in-release] bundle mine is no bundle of Cozystack 1.6.2, whose platform is a variant of its platform chart (isp-full, isp-full-generic, isp-hosted); set variant, and platformValues to change what it installs']],
    ['an unknown variant, with the variants sorted', { variant: 'isp-ful' }, ["variant [not-in-release] 'isp-ful' is not a variant of the platform chart of Cozystack 1.6.2 (it has isp-full, isp-full-generic, isp-hosted) (did you mean 'isp-full'?)"]],
    ['platformValues not a map', { platformValues: 'x' }, ['platformValues [invalid-type] expected a map of platform chart values, got "x"']],
    ['a map of the chart given as a scalar', { platformValues: { publishing: 'x' } }, [`platformValues.publishing [invalid-type] expected a map (the chart's publishing has ${PUBLISHING_KEYS}), got "x"`]],
    ['an unknown top-level key, with the chart\'s keys', { platformValues: { publising: {} } }, [`platformValues.publising [not-in-release] the platform chart of Cozystack 1.6.2 has no value publising (it has ${TOP_KEYS}) (did you mean 'publishing'?)`]],
    ['sourceRef below the top level is just an unknown key', { platformValues: { publishing: { sourceRef: 'x' } } }, [`platformValues.publishing.sourceRef [not-in-release] the platform chart of Cozystack 1.6.2 has no value publishing.sourceRef (it has ${PUBLISHING_KEYS})`]],
    ['a null for a map of the chart removes it, and the chart fails as helm does', { platformValues: { publishing: null } }, ['platformValues [chart-refuses] the platform chart of Cozystack 1.6.2 fails in templates/bundles/system.yaml: nil pointer evaluating interface {}.proxyProtocol']],
    ['problems of the settings stop before the chart is rendered (no chart refusal on top)', { bundle: Bundle.PAAS_HOSTED, platformValues: { bundles: { iaas: { enabled: true } }, publising: {} } }, [`platformValues.publising [not-in-release] the platform chart of Cozystack 1.6.2 has no value publising (it has ${TOP_KEYS}) (did you mean 'publishing'?)`]],
    ['a Git source', { source: { url: 'https://github.com/example/cozystack.git' } }, ['source.url [not-in-release] Cozystack 1.6.2 reads its charts from an OCI artifact (the PackageSources of its platform chart name the OCIRepository cozystack-packages); give an oci:// URL']],
    ['a Git source is refused also when other settings have problems', { variant: 'isp-ful', source: { url: 'https://github.com/example/cozystack.git' } }, ["variant [not-in-release] 'isp-ful' is not a variant of the platform chart of Cozystack 1.6.2 (it has isp-full, isp-full-generic, isp-hosted) (did you mean 'isp-full'?)", 'source.url [not-in-release] Cozystack 1.6.2 reads its charts from an OCI artifact (the PackageSources of its platform chart name the OCIRepository cozystack-packages); give an oci:// URL']],
    ['a bad source URL is one problem, not two', { source: { url: 'ftp://x' } }, ["source.url [invalid-url] 'ftp://x' is neither an oci:// URL nor a Git URL (https://, http:// or ssh://)"]],
    ['scheduling that is no YAML', { scheduling: { globalAppTopologySpreadConstraints: 'a: [' } }, ['scheduling.globalAppTopologySpreadConstraints [invalid-yaml] is no YAML (the topology spread constraints, a list): Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 5:']],
    ['a scheduling key the chart does not have', { scheduling: { globalAppTopologySpreadConstraint: 'x' } }, ["scheduling.globalAppTopologySpreadConstraint [not-in-release] the platform chart of Cozystack 1.6.2 has only scheduling.globalAppTopologySpreadConstraints (did you mean 'globalAppTopologySpreadConstraints'?)"]],
    ['a component both enabled and disabled', { components: { enable: ['bootbox'], disable: ['bootbox'] } }, ["components.enable [conflicting-setting] component 'bootbox' is both enabled and disabled"]],
    ['component values that are not a map', { components: { values: { kubeovn: 'x' } } }, ['components.values.kubeovn [invalid-type] expected a map of values, got "x"']],
    // releases/v1.6.2/renders/isp-full.defaults: the clickhouse-application PackageSource has a component clickhouse without install (an artifact only).
    ['values of a component no installed Package installs', { components: { values: { clickhouse: { a: 1 } } } }, ["components.values.clickhouse [unknown-component] no installed Package has a component 'clickhouse' (did you mean 'clickhouse-rd'?)"]],
    ['clusterState not a map', { clusterState: 'x' }, ['clusterState [invalid-type] expected a map, got "x"']],
    ['(a list)', { clusterState: [] }, ['clusterState [invalid-type] expected a map, got []']],
    ['(null)', { clusterState: null }, ['clusterState [invalid-type] expected a map, got null']],
    ['a CA that is not text', { clusterState: { kubeRootCa: 5 } }, ['clusterState.kubeRootCa [invalid-type] expected the CA certificate (PEM text)']],
    ['legacy ConfigMap data not a map', { clusterState: { legacyConfig: 'x' } }, ['clusterState.legacyConfig [invalid-type] expected the ConfigMap data: a map of strings']],
    ['legacy ConfigMap data with a value that is not a string', { clusterState: { legacyConfig: { a: 'x', b: 1 } } }, ['clusterState.legacyConfig [invalid-type] expected the ConfigMap data: a map of strings']],
    ['an installed data version that is not an integer', { clusterState: { installedDataVersion: 1.5 } }, ['clusterState.installedDataVersion [invalid-number] expected a non-negative integer, got 1.5']],
    ['ouroborosInstalled not a boolean', { clusterState: { ouroborosInstalled: 'yes' } }, ['clusterState.ouroborosInstalled [invalid-type] expected true or false']],
    ['ouroboros on the cluster with proxyProtocol off: the chart\'s fail, in its words', { clusterState: { ouroborosInstalled: true } }, ['platformValues [chart-refuses] the platform chart of Cozystack 1.6.2 refuses: publishing.proxyProtocol is false but the Package cozystack.ouroboros exists on the cluster (kept by helm.sh/resource-policy: keep): set publishing.proxyProtocol back to true, or stop PROXY-protocol at the load balancer, delete the Package and set publishing.proxyProtocolAcknowledgeUnclean: true']],
  ] as const)('%s', (_, props, expected) => {
    expect(problems(props as Record<string, unknown>)).toEqual(expected);
  });

  it('accepted: an installed data version 0, all-string legacy ConfigMap data, ouroborosInstalled false', () => {
    expect(() => build({ clusterState: { installedDataVersion: 0, legacyConfig: { 'root-host': 'a.example.org' }, ouroborosInstalled: false } })).not.toThrow();
  });
});

describe('what the model keeps of the chart\'s render (helm\'s recorded render of isp-full with a host and an endpoint)', () => {
  type Obj = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: Record<string, unknown>; stringData?: Record<string, string> };
  const recorded = () => recordedRender<Obj>('v1.6.2', 'isp-full.defaults');

  it('the platform Package\'s values are the two settings given, nothing for the settings left unset', () => {
    // hack/migrate-to-version-1.0.sh maps only what the ConfigMap has; unset settings keep the chart's values.yaml.
    expect(build().platform.model.chart!.packageValues).toEqual({ publishing: { host: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' } });
  });

  it('the Packages are the rendered Packages, and none of them waits for another', () => {
    const chart = build().platform.model.chart!;
    expect(chart.packages.map((p) => p.name).sort()).toEqual(recorded().filter((o) => o.kind === 'Package').map((o) => o.metadata.name).sort());
    expect(chart.warnings).toEqual([]);
  });

  it('the PackageSources are the rendered ones, with their annotations', () => {
    const chart = build().platform.model.chart!;
    const rendered = recorded().filter((o) => o.kind === 'PackageSource');
    expect([...chart.sources.keys()].sort()).toEqual(rendered.map((o) => o.metadata.name).sort());
    const annotated = rendered.filter((o) => o.metadata.annotations);
    expect(annotated.length).toBeGreaterThan(0);
    for (const o of annotated) expect(chart.sources.get(o.metadata.name)!.annotations, o.metadata.name).toEqual(o.metadata.annotations);
  });

  it('_cluster is that of the rendered cozystack-values Secret', () => {
    const secret = recorded().find((o) => o.kind === 'Secret' && o.metadata.name === 'cozystack-values')!;
    const expected = (parse(secret.stringData!['values.yaml']!) as { _cluster: Record<string, unknown> })._cluster;
    expect(Object.keys(expected).length).toBeGreaterThan(3);
    expect(build().platform.model.chart!.clusterValues).toEqual(expected);
  });

  it('each component of the model is a component of a rendered Package, with the chart folder its PackageSource gives for the Package\'s variant', () => {
    type Source = { variants: { name: string; components: { name: string; path: string }[] }[] };
    const objects = recorded();
    const sources = new Map(objects.filter((o) => o.kind === 'PackageSource').map((o) => [o.metadata.name, o.spec as Source]));
    const paths = new Map<string, Set<string>>();
    for (const pkg of objects.filter((o) => o.kind === 'Package')) {
      const variant = ((pkg.spec as { variant?: string }).variant ?? 'default');
      for (const c of sources.get(pkg.metadata.name)!.variants.find((v) => v.name === variant)!.components) {
        paths.set(c.name, (paths.get(c.name) ?? new Set()).add(c.path));
      }
    }
    const components = build().platform.model.components;
    expect(components.length).toBeGreaterThan(20);
    for (const c of components) {
      expect(c.chartPath, c.name).not.toBe('');
      expect([...(paths.get(c.name) ?? [])], c.name).toContain(c.chartPath);
    }
    // A component name of two Packages with other folders would make the check above weaker: there is none.
    expect([...paths].filter(([, p]) => p.size > 1)).toEqual([]);
  });

  it('the model\'s components wait for the releases their HelmReleases wait for (what `graph` draws)', () => {
    const { platform, objects } = build();
    const releases = new Map(ofKind(objects, 'HelmRelease').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, spec<{ dependsOn?: { name: string; namespace: string }[] }>(o)]));
    let edges = 0;
    for (const c of platform.model.components) {
      const hr = releases.get(`${c.namespace}/${c.releaseName}`);
      expect(hr, c.name).toBeDefined();
      const expected = (hr!.dependsOn ?? []).map((d) => `${d.namespace}/${d.name}`);
      expect(c.dependsOn.map((d) => `${d.namespace}/${d.releaseName}`), c.name).toEqual(expected);
      edges += expected.length;
    }
    expect(edges).toBeGreaterThan(20);
  });

  it('the root tenant\'s host is the chart\'s _cluster root-host: rootHost, or publishing.host in platformValues', () => {
    // The tenant chart of the root tenant takes its host from _cluster.root-host (publishing.host).
    const root = (props: Partial<PlatformProps>) => {
      const { platform } = build(props);
      return { host: platform.rootTenant.host, cluster: platform.model.chart!.clusterValues['root-host'] };
    };
    expect(root({ rootHost: 'cloud.example.net' })).toEqual({ host: 'cloud.example.net', cluster: 'cloud.example.net' });
    expect(root({ rootHost: undefined, platformValues: { publishing: { host: 'pv.example.net' } } })).toEqual({ host: 'pv.example.net', cluster: 'pv.example.net' });
  });

  it('components.values change only the Package that installs the component', () => {
    const base = build({ mode: 'operator' }).objects;
    const changed = build({ mode: 'operator', components: { values: { kubeovn: { debug: true } } } }).objects;
    const byName = (objects: KubeObject[]) => new Map(ofKind(objects, 'Package').map((o) => [o.metadata.name, spec(o)]));
    const before = byName(base);
    const after = byName(changed);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, s] of after) if (name !== 'cozystack.networking') expect(s, name).toEqual(before.get(name));
    expect(((after.get('cozystack.networking') as { components: unknown }).components as Record<string, { values: Record<string, unknown> }>).kubeovn!.values.debug).toBe(true);
  });

  it('the chart copies the platform source into cozystack-packages: no ref when the source has none, its Secret when it has one', () => {
    const repos = (props: Partial<PlatformProps>) => ofKind(build(props).objects, 'OCIRepository').find((o) => o.metadata.name === 'cozystack-packages')!;
    expect(spec(repos({ source: { url: 'oci://registry.example/cozy/packages' } }))).toEqual({ url: 'oci://registry.example/cozy/packages', interval: '5m' });
    expect(spec(repos({ source: { url: 'oci://registry.example/cozy/packages', secretName: 'creds' } }))).toEqual({ url: 'oci://registry.example/cozy/packages', interval: '5m', secretRef: { name: 'creds' } });
  });
});

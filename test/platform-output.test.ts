import { App } from 'cdk8s';
import { beforeEach, describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, DEFAULT_SOURCE_DIGEST, Platform, renderFiles } from '../lib/index.js';
import { toYaml } from '../lib/output/yaml-emitter.js';
import { validateCustomResource } from './support/crd-schemas.js';
import { validateObject } from './support/schemas.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_NAMES, releaseDir } from './support/reference.js';
import { ofKind, PAAS, spec, synthPlatform } from './support/synth.js';

/** The release of the four bundles. */
const V041 = { version: '0.41.11' } as const;

describe.each(BUNDLE_NAMES)('bundle %s output (Cozystack 0.41.11)', (name) => {
  it('matches the reviewed snapshot', async () => {
    const { objects } = synthPlatform({ bundle: Bundle.fromName(name), ...V041 });
    await expect(objects.map((o) => `---\n${toYaml(o)}`).join('')).toMatchFileSnapshot(`./__snapshots__/bundle-${name}.yaml`);
  });
});

/**
 * A v1.x platform, one line per object (HelmReleases with their chart, values and dependencies),
 * so a reviewer reads every line: the objects themselves equal helm's render of the upstream chart
 * in operator mode (platform-v1.test.ts); this is what flux mode makes of them.
 */
function summary(objects: ReturnType<typeof synthPlatform>['objects']): string {
  return objects
    .map((o) => {
      const id = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
      if (o.kind !== 'HelmRelease') return id;
      const s = spec<{ chartRef?: { name: string }; values?: unknown; valuesFrom?: unknown[]; dependsOn?: { name: string; namespace: string }[] }>(o);
      const deps = (s.dependsOn ?? []).map((d) => `${d.namespace}/${d.name}`).join(', ');
      return `${id} <- ${s.chartRef?.name ?? '(chart)'}${s.values ? ` values ${JSON.stringify(s.values)}` : ''}${s.valuesFrom ? '' : ' (no cozystack-values)'}${deps ? ` after ${deps}` : ''}`;
    })
    .join('\n')
    .concat('\n');
}

describe.each((['1.6.0', '1.6.2'] as const).flatMap((version) => (['isp-full', 'isp-hosted', 'isp-full-generic'] as const).map((variant) => [variant, version] as const)))('variant %s output (Cozystack %s, flux mode)', (variant, version) => {
  it('matches the reviewed summary', async () => {
    const { objects } = synthPlatform({ bundle: variant === 'isp-hosted' ? Bundle.PAAS_HOSTED : Bundle.PAAS_FULL, variant, version });
    await expect(summary(objects)).toMatchFileSnapshot(`./__snapshots__/variant-${variant}-${version}.txt`);
  });
});

describe('every object validates against its schema', () => {
  const cases: [string, Parameters<typeof synthPlatform>[0]][] = [
    ...BUNDLE_NAMES.map((n) => [`${n} (0.41.11)`, { bundle: Bundle.fromName(n), ...V041 }] as [string, Parameters<typeof synthPlatform>[0]]),
    ['git source (0.41.11)', { ...V041, source: { url: 'https://github.com/example/cozystack.git', ref: { branch: 'main' } } }],
    ['everything enabled (0.41.11)', { ...V041, oidc: { enabled: true }, components: { enable: ['gpu-operator', 'nfs-driver', 'telepresence', 'external-dns', 'external-secrets-operator', 'bootbox', 'velero', 'hetzner-robotlb'] } }],
    ...(['isp-full', 'isp-hosted', 'isp-full-generic'] as const).flatMap((variant) =>
      (['flux', 'operator'] as const).map((mode) => [`${variant} ${mode} (1.6.2)`, { bundle: variant === 'isp-hosted' ? Bundle.PAAS_HOSTED : Bundle.PAAS_FULL, variant, mode, ...(variant === 'isp-full-generic' ? { operator: { variant: 'generic' as const, apiServerHost: '10.0.0.10' } } : {}) }] as [string, Parameters<typeof synthPlatform>[0]]),
    ),
    ['everything enabled (1.6.2)', { oidc: { enabled: true }, components: { enable: ['gpu-operator', 'nfs-driver', 'external-dns', 'external-secrets-operator', 'bootbox', 'velero', 'hetzner-robotlb'] } }],
  ];
  it.each(cases)('%s', (_, props) => {
    const { objects } = synthPlatform(props);
    // validateObject reports an object of a kind without a schema as an error too.
    expect(objects.flatMap((o) => validateObject(o))).toEqual([]);
  });

  it('the validator itself rejects typos and a HelmRelease without a chart', () => {
    const { objects } = synthPlatform({});
    const hr = ofKind(objects, 'HelmRelease')[0]!;
    const typo = { ...hr, spec: { ...spec(hr), relaseName: 'x' } };
    expect(validateCustomResource(typo)!.join()).toMatch(/relaseName/);
    const { chartRef: _, ...noChart } = spec(hr);
    expect(validateCustomResource({ ...hr, spec: noChart })!.join()).toMatch(/chart or chartRef/);
  });
});

describe('determinism', () => {
  it('two syntheses of the same input are byte-identical', () => {
    const render = () => {
      const app = new App({ outdir: '/nonexistent' });
      const p = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, oidc: { enabled: true } });
      p.rootTenant.addTenant('foo', { etcd: true }).addTenant('bar');
      return [...renderFiles(app).entries()];
    };
    expect(render()).toEqual(render());
  });
});

describe('platform source', () => {
  it('defaults to the upstream artifact pinned by digest, as two identical OCIRepositories', () => {
    const repos = ofKind(synthPlatform({}).objects, 'OCIRepository');
    expect(repos.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['cozy-system/cozystack-platform', 'cozy-system/cozystack-packages']);
    expect(spec(repos[0]!)).toEqual({ url: 'oci://ghcr.io/cozystack/cozystack/cozystack-packages', interval: '5m', ref: { digest: DEFAULT_SOURCE_DIGEST } });
    expect(spec(repos[1]!)).toEqual(spec(repos[0]!));
  });

  it('takes a tag or semver ref and a secret', () => {
    const repos = ofKind(synthPlatform({ source: { url: 'oci://registry.example/cozy/packages', ref: { semver: '>=1.6.0', semverFilter: '.*' }, secretName: 'creds' } }).objects, 'OCIRepository');
    expect(spec(repos[0]!)).toEqual({ url: 'oci://registry.example/cozy/packages', interval: '5m', ref: { semver: '>=1.6.0', semverFilter: '.*' }, secretRef: { name: 'creds' } });
  });

  it('at v1.x a Git URL is refused: the PackageSources of the platform chart read the OCIRepository cozystack-packages', () => {
    expect(() => synthPlatform({ source: { url: 'https://github.com/example/cozystack.git', ref: { tag: 'v1.6.0' } } })).toThrow(/source.url: .*reads its charts from an OCI artifact.*\[not-in-release\]/);
  });

  it('at 0.41.11 a Git URL gives the GitRepositories, and the HelmRelease charts are its folders', () => {
    const { objects } = synthPlatform({ ...V041, source: { url: 'https://github.com/example/cozystack.git', ref: { tag: 'v0.41.11' } } });
    expect(ofKind(objects, 'OCIRepository')).toEqual([]);
    expect(ofKind(objects, 'GitRepository').map((r) => r.metadata.name)).toEqual(['cozystack-packages']);
    const cilium = ofKind(objects, 'HelmRelease').find((r) => r.metadata.name === 'cilium')!;
    expect((spec(cilium).chart as { spec: { chart: string } }).spec.chart).toBe('packages/system/cilium');
  });

  it('chart paths can be overridden per component (0.41.11); at v1.x the PackageSources give them', () => {
    const { objects } = synthPlatform({ ...V041, components: { chartPaths: { cilium: 'system/cilium-networkpolicy' } } });
    const cilium = ofKind(objects, 'HelmRelease').find((r) => r.metadata.name === 'cilium')!;
    expect((spec(cilium).chart as { spec: { chart: string } }).spec.chart).toBe('packages/system/cilium-networkpolicy');
    expect(() => synthPlatform({ components: { chartPaths: { cilium: 'system/cilium-v2' } } })).toThrow(/components.chartPaths: .*PackageSources.*\[not-in-release\]/);
  });
});

describe('operator mode (1.6.2)', () => {
  // Built before each test, not while the file is collected, so that mutation testing sees which
  // test covers which code (docs/testing.md).
  let objects: ReturnType<typeof synthPlatform>['objects'];
  beforeEach(() => {
    objects = synthPlatform({ mode: 'operator', components: { values: { cilium: { debug: true } } } }).objects;
  });
  it('emits the Packages and PackageSources of the platform chart, and no HelmRelease or ArtifactGenerator for components', () => {
    expect(ofKind(objects, 'HelmRelease').filter((h) => !h.metadata.namespace!.startsWith('tenant-'))).toEqual([]);
    expect(ofKind(objects, 'ArtifactGenerator')).toEqual([]);
    // As many as helm renders for the defaults (releases/v1.6.2/renders/isp-full.defaults), and a PackageSource per document of the chart's sources/*.yaml.
    const render = readFileSync(join(releaseDir('v1.6.2'), 'renders', 'isp-full.defaults', 'rendered.yaml'), 'utf8');
    expect(ofKind(objects, 'Package')).toHaveLength(render.match(/^kind: Package$/gm)!.length);
    const sources = readdirSync(join(releaseDir('v1.6.2'), 'upstream', 'packages', 'core', 'platform', 'sources')).map((f) => readFileSync(join(releaseDir('v1.6.2'), 'upstream', 'packages', 'core', 'platform', 'sources', f), 'utf8'));
    expect(ofKind(objects, 'PackageSource')).toHaveLength(sources.join('\n').match(/^kind: PackageSource$/gm)!.length);
  });
  it('components.values go into the Package of the component, over the values the chart computes', () => {
    const networking = ofKind(objects, 'Package').find((p) => p.metadata.name === 'cozystack.networking')!;
    // The chart (isp-full, talos) gives cilium k8sServiceHost localhost, port 7445 and cgroup.autoMount false.
    expect(spec(networking)).toMatchObject({ variant: 'kubeovn-cilium', components: { cilium: { values: { debug: true, cilium: { k8sServiceHost: 'localhost', k8sServicePort: '7445' } } } } });
  });
  it('only cozy-system gets the values Secret (the operator replicates it)', () => {
    const secrets = ofKind(objects, 'Secret').filter((s) => !s.metadata.namespace!.startsWith('tenant-'));
    expect(secrets.map((s) => s.metadata.namespace)).toEqual(['cozy-system']);
  });
  it('dependencies are those of the upstream PackageSources', () => {
    // releases/v1.6.2/upstream/packages/core/platform/sources/postgres-operator.yaml
    const ps = ofKind(objects, 'PackageSource').find((p) => p.metadata.name === 'cozystack.postgres-operator')!;
    expect((spec(ps).variants as { dependsOn?: string[] }[])[0]!.dependsOn).toContain('cozystack.networking');
  });
});

describe('bad input', () => {
  const problems = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CozystackValidationError);
      return (e as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
    }
    throw new Error('expected an error');
  };
  it('unknown bundle', () => {
    expect(() => Bundle.fromName('paas-ful')).toThrow(/unknown bundle 'paas-ful'.*did you mean 'paas-full'/);
  });
  it('a paas bundle without root host or API endpoint', () => {
    const p = problems(() => synthPlatform({ ...V041, rootHost: undefined, apiServerEndpoint: undefined }));
    expect(p).toEqual([expect.stringMatching(/^rootHost \[required\].*paas-full/), expect.stringMatching(/^apiServerEndpoint \[required\]/)]);
  });
  it('unknown component names in enable, disable and values, with a suggestion', () => {
    const p = problems(() => synthPlatform({ ...V041, components: { enable: ['bootbx'], disable: ['ciliumm'], values: { kubeovm: {} } } }));
    expect(p).toEqual([
      expect.stringMatching(/^components.enable\[0\] \[unknown-component\] no component 'bootbx'.*did you mean 'bootbox'/),
      expect.stringMatching(/^components.disable\[0\] \[unknown-component\] .*'ciliumm'.*did you mean 'cilium'/),
      expect.stringMatching(/^components.values.kubeovm \[unknown-component\].*did you mean 'kubeovn'/),
    ]);
  });
  it('a values override for a component that is not installed', () => {
    expect(problems(() => synthPlatform({ ...V041, components: { values: { bootbox: { a: 1 } } } }))).toEqual([
      expect.stringMatching(/^components.values.bootbox \[not-installed\].*optional; add it to components.enable/),
    ]);
    expect(problems(() => synthPlatform({ ...V041, components: { disable: ['multus'], values: { multus: {} } } }))).toEqual([
      expect.stringMatching(/^components.values.multus \[not-installed\].*components.disable/),
    ]);
  });
  it('malformed URL, ref, host and names', () => {
    const p = problems(() =>
      synthPlatform({
        rootHost: 'Example..org',
        apiServerEndpoint: 'api.example.org:6443',
        source: { url: 'oci://registry.example/x', ref: { digest: 'sha256:abc', branch: 'main' } },
        expose: { services: ['dashbord' as never], externalIPs: ['300.1.1.1'] },
        clusterDomain: 'cozy_local',
      }),
    );
    expect(p).toEqual([
      expect.stringMatching(/^rootHost \[invalid-host\] 'Example..org'/),
      expect.stringMatching(/^apiServerEndpoint \[invalid-url\]/),
      expect.stringMatching(/^clusterDomain \[invalid-host\]/),
      expect.stringMatching(/^expose.services\[0\] \[invalid-enum\].*did you mean 'dashboard'/),
      expect.stringMatching(/^expose.externalIPs\[0\] \[invalid-ip\]/),
      expect.stringMatching(/^source.ref.branch \[invalid-ref\].*not a ref of an OCI source/),
      expect.stringMatching(/^source.ref.digest \[invalid-ref\].*sha256/),
    ]);
    expect(problems(() => synthPlatform({ source: { url: 'ftp://x' } }))).toEqual([expect.stringMatching(/^source.url \[invalid-url\]/)]);
    expect(problems(() => synthPlatform({ ...V041, source: { url: 'https://git.example/x.git', ref: { commit: 'xyz' } } }))).toEqual([
      expect.stringMatching(/^source.ref.commit \[invalid-ref\]/),
    ]);
  });
  it('a dependency cycle in a derived bundle', () => {
    const e = problems(() =>
      Bundle.PAAS_FULL.with({ name: 'mine', replace: [{ ...Bundle.PAAS_FULL.component('cilium')!, dependsOn: ['cilium-networkpolicy'] }] }),
    );
    expect(e).toEqual([expect.stringMatching(/^components \[dependency-cycle\] dependency cycle: cilium -> cilium-networkpolicy -> cilium/)]);
  });
  it('a dependency on a component not in the bundle', () => {
    const e = problems(() => Bundle.DISTRO_HOSTED.with({ add: [{ name: 'mine', chart: 'mine', chartPath: 'system/mine', namespace: 'cozy-mine', dependsOn: ['kubeovn'] }] }));
    expect(e).toEqual([expect.stringMatching(/^components\[25\]\.dependsOn\[0\] \[unknown-dependency\] component 'mine' depends on 'kubeovn'/)]);
  });
  it('nothing is built when synthesis fails', () => {
    const app = new App({ outdir: '/nonexistent' });
    expect(() => new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...V041 })).toThrow(CozystackValidationError);
    expect(collectObjects(app)).toEqual([]);
  });
});

describe('derived bundles', () => {
  it('add, remove and replace components', () => {
    const cilium = Bundle.DISTRO_HOSTED.component('cilium');
    expect(cilium).toBeUndefined();
    const mine = Bundle.DISTRO_HOSTED.with({
      name: 'mine',
      remove: ['metrics-server'],
      replace: [{ ...Bundle.DISTRO_HOSTED.component('cert-manager')!, values: { replicaCount: 2 } }],
      add: [{ name: 'my-operator', chart: 'my-operator', chartPath: 'system/cozy-proxy', namespace: 'cozy-mine', dependsOn: ['cert-manager'], privileged: true }],
    });
    const { objects } = synthPlatform({ bundle: mine, ...V041, rootHost: undefined, apiServerEndpoint: undefined });
    const releases = ofKind(objects, 'HelmRelease').filter((r) => !r.metadata.namespace!.startsWith('tenant-'));
    const names = releases.map((r) => r.metadata.name);
    expect(names).not.toContain('metrics-server');
    expect(names).toContain('my-operator');
    expect(spec(releases.find((r) => r.metadata.name === 'cert-manager')!).values).toEqual({ replicaCount: 2 });
    expect(spec(releases.find((r) => r.metadata.name === 'my-operator')!).dependsOn).toEqual([{ name: 'cert-manager', namespace: 'cozy-cert-manager' }]);
    expect(ofKind(objects, 'Namespace').find((n) => n.metadata.name === 'cozy-mine')!.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged' });
    for (const r of releases) for (const d of (spec(r).dependsOn as { name: string }[] | undefined) ?? []) expect(d.name).not.toBe('metrics-server');
  });
});

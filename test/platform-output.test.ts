import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, DEFAULT_SOURCE_DIGEST, Platform, renderFiles } from '../lib/index.js';
import { toYaml } from '../lib/output/yaml-emitter.js';
import { validateCustomResource } from './support/crd-schemas.js';
import { validateObject } from './support/schemas.js';
import { BUNDLE_NAMES } from './support/reference.js';
import { ofKind, PAAS, spec, synthPlatform } from './support/synth.js';

describe.each(BUNDLE_NAMES)('bundle %s output', (name) => {
  it('matches the reviewed snapshot', async () => {
    const { objects } = synthPlatform({ bundle: Bundle.fromName(name) });
    await expect(objects.map((o) => `---\n${toYaml(o)}`).join('')).toMatchFileSnapshot(`./__snapshots__/bundle-${name}.yaml`);
  });
});

describe('every object validates against its schema', () => {
  const cases: [string, Parameters<typeof synthPlatform>[0]][] = [
    ...BUNDLE_NAMES.map((n) => [`${n} flux`, { bundle: Bundle.fromName(n) }] as [string, Parameters<typeof synthPlatform>[0]]),
    ...BUNDLE_NAMES.map((n) => [`${n} operator`, { bundle: Bundle.fromName(n), mode: 'operator' }] as [string, Parameters<typeof synthPlatform>[0]]),
    ['git source', { source: { url: 'https://github.com/example/cozystack.git', ref: { branch: 'main' } } }],
    ['everything enabled', { oidc: { enabled: true }, components: { enable: ['gpu-operator', 'nfs-driver', 'telepresence', 'external-dns', 'external-secrets-operator', 'bootbox', 'velero', 'hetzner-robotlb'] } }],
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

  it('a Git URL gives GitRepositories, and PackageSources read its packages folder', () => {
    const { objects } = synthPlatform({ source: { url: 'https://github.com/example/cozystack.git', ref: { tag: 'v1.6.0' } } });
    expect(ofKind(objects, 'OCIRepository')).toEqual([]);
    expect(ofKind(objects, 'GitRepository').map((r) => r.metadata.name)).toEqual(['cozystack-platform', 'cozystack-packages']);
    const ps = ofKind(objects, 'PackageSource')[0]!;
    expect(spec(ps).sourceRef).toEqual({ kind: 'GitRepository', name: 'cozystack-packages', namespace: 'cozy-system', path: 'packages' });
    const gen = ofKind(objects, 'ArtifactGenerator')[0]!;
    expect(JSON.stringify(spec(gen))).toContain('@cozystack-packages/packages/system/');
  });

  it('chart paths can be overridden per component', () => {
    const { objects } = synthPlatform({ components: { chartPaths: { cilium: 'system/cilium-v2' } } });
    const gen = ofKind(objects, 'ArtifactGenerator').find((g) => g.metadata.name === 'cozystack.cilium')!;
    expect(JSON.stringify(spec(gen))).toContain('@cozystack-packages/system/cilium-v2/**');
  });
});

describe('operator mode', () => {
  const { objects } = synthPlatform({ mode: 'operator', components: { values: { cilium: { debug: true } } } });
  it('emits sources, PackageSources and Packages, and no HelmRelease or ArtifactGenerator for components', () => {
    expect(ofKind(objects, 'HelmRelease').filter((h) => !h.metadata.namespace!.startsWith('tenant-'))).toEqual([]);
    expect(ofKind(objects, 'ArtifactGenerator')).toEqual([]);
    const packages = ofKind(objects, 'Package');
    const sources = ofKind(objects, 'PackageSource').filter((p) => !p.metadata.name.endsWith('-application'));
    expect(packages.map((p) => p.metadata.name).sort()).toEqual(sources.map((p) => p.metadata.name).sort());
  });
  it('a Package carries the component values and the default variant', () => {
    const cilium = ofKind(objects, 'Package').find((p) => p.metadata.name === 'cozystack.cilium')!;
    expect(spec(cilium)).toEqual({ variant: 'default', components: { cilium: { values: { debug: true } } } });
  });
  it('only cozy-system gets the values Secret (the operator replicates it)', () => {
    const secrets = ofKind(objects, 'Secret').filter((s) => !s.metadata.namespace!.startsWith('tenant-'));
    expect(secrets.map((s) => s.metadata.namespace)).toEqual(['cozy-system']);
  });
  it('dependencies become package dependencies of the variant', () => {
    const ps = ofKind(objects, 'PackageSource').find((p) => p.metadata.name === 'cozystack.cilium-networkpolicy')!;
    expect((spec(ps).variants as { dependsOn?: string[] }[])[0]!.dependsOn).toEqual(['cozystack.cilium']);
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
    const p = problems(() => synthPlatform({ rootHost: undefined, apiServerEndpoint: undefined }));
    expect(p).toEqual([expect.stringMatching(/^rootHost \[required\].*paas-full/), expect.stringMatching(/^apiServerEndpoint \[required\]/)]);
  });
  it('unknown component names in enable, disable and values, with a suggestion', () => {
    const p = problems(() => synthPlatform({ components: { enable: ['bootbx'], disable: ['ciliumm'], values: { kubeovm: {} } } }));
    expect(p).toEqual([
      expect.stringMatching(/^components.enable\[0\] \[unknown-component\] no component 'bootbx'.*did you mean 'bootbox'/),
      expect.stringMatching(/^components.disable\[0\] \[unknown-component\] .*'ciliumm'.*did you mean 'cilium'/),
      expect.stringMatching(/^components.values.kubeovm \[unknown-component\].*did you mean 'kubeovn'/),
    ]);
  });
  it('a values override for a component that is not installed', () => {
    expect(problems(() => synthPlatform({ components: { values: { bootbox: { a: 1 } } } }))).toEqual([
      expect.stringMatching(/^components.values.bootbox \[not-installed\].*optional; add it to components.enable/),
    ]);
    expect(problems(() => synthPlatform({ components: { disable: ['multus'], values: { multus: {} } } }))).toEqual([
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
    expect(problems(() => synthPlatform({ source: { url: 'https://git.example/x.git', ref: { commit: 'xyz' } } }))).toEqual([
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
    expect(() => new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL })).toThrow(CozystackValidationError);
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
      add: [{ name: 'my-operator', chart: 'my-operator', chartPath: 'system/my-operator', namespace: 'cozy-mine', dependsOn: ['cert-manager'], privileged: true }],
    });
    const { objects } = synthPlatform({ bundle: mine, rootHost: undefined, apiServerEndpoint: undefined });
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

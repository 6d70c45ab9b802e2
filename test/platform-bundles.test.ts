// Each bundle under default settings, compared with the reference data (bundles.json), not with
// the code under test. Differences from upstream are the documented fixes (docs/platform.md):
// no dependsOn edge to a component that is not installed, no namespace without an installed release.
import { beforeEach, describe, expect, it } from 'vitest';
import { Bundle } from '../lib/index.js';
import { BUNDLE_NAMES, BUNDLES_JSON, type RefBundle, type RefRelease } from './support/reference.js';
import { edgesOf, ofKind, PAAS, spec, synthPlatform, systemReleases } from './support/synth.js';

const OIDC_NAMES = new Set(['keycloak', 'keycloak-operator', 'keycloak-configure']);

function refInstalled(b: RefBundle, opts: { enable?: string[]; disable?: string[]; oidc?: boolean } = {}): RefRelease[] {
  return b.releases.filter((r) => {
    if (OIDC_NAMES.has(r.name) && !opts.oidc) return false;
    if (opts.disable?.includes(r.name)) return false;
    return !r.optional || !!opts.enable?.includes(r.name);
  });
}

function refEdges(b: RefBundle, installed: RefRelease[], oidc = false): string[] {
  const byName = new Map(b.releases.map((r) => [r.name, r]));
  const names = new Set(installed.map((r) => r.name));
  return installed
    .flatMap((r) => {
      const deps = [...r.dependsOn, ...(oidc ? (r.conditionalDependsOn ?? []).flatMap((c) => c.add) : [])];
      return [...new Set(deps)].filter((d) => names.has(d)).map((d) => `${r.releaseName}@${r.namespace} -> ${byName.get(d)!.releaseName}@${byName.get(d)!.namespace}`);
    })
    .sort();
}

describe.each(BUNDLE_NAMES)('bundle %s under default settings', (name) => {
  const ref = BUNDLES_JSON.bundles[name]!;
  // Built before each test, not while the file is collected, so that mutation testing sees which
  // test covers which code (docs/testing.md).
  let objects: ReturnType<typeof synthPlatform>['objects'];
  let releases: ReturnType<typeof systemReleases>;
  beforeEach(() => {
    objects = synthPlatform({ version: '0.41.11', bundle: Bundle.fromName(name) }).objects;
    releases = systemReleases(objects);
  });

  it('has every release of the reference as a component', () => {
    expect(Bundle.fromName(name).components).toHaveLength(ref.releaseCount);
    expect(Bundle.fromName(name).componentNames).toEqual(ref.releases.map((r) => r.name));
  });

  it('installs exactly the HelmReleases the reference renders by default', () => {
    const byName = new Map(ref.releases.map((r) => [r.name, r]));
    const expected = ref.derived.helmReleasesRenderedByDefault.map((n) => `${byName.get(n)!.releaseName}@${byName.get(n)!.namespace}`).sort();
    expect(releases.map((r) => `${r.metadata.name}@${r.metadata.namespace}`).sort()).toEqual(expected);
  });

  it('has every dependsOn edge of the reference, minus edges to components not installed', () => {
    const installed = refInstalled(ref);
    expect(edgesOf(releases)).toEqual(refEdges(ref, installed));
    // The edges dropped are exactly those the reference lists as pointing at optional or conditional releases.
    const dropped = ref.derived.dependsOnOptionalOrConditional.filter((d) => installed.some((r) => r.name === d.release));
    for (const d of dropped) expect(edgesOf(releases).some((e) => e.startsWith(`${d.release}@`) && e.includes(` -> ${d.dependsOn}@`))).toBe(false);
  });

  it('creates the reference namespaces with their privileged labels, minus those with no installed release', () => {
    const installed = refInstalled(ref);
    const installedNs = new Set(installed.map((r) => r.namespace));
    // Upstream marks a namespace privileged for a privileged release that is not installed; we do not.
    const privilegedByInstalled = (ns: string) => ns === 'cozy-system' || installed.some((r) => r.namespace === ns && r.privileged);
    const expected = Object.entries(ref.derived.namespacesByDefault)
      .filter(([ns]) => installedNs.has(ns) || ns === 'cozy-system' || ns === 'cozy-public')
      .map(([ns, v]) => `${ns}${v.privileged && privilegedByInstalled(ns) ? ' privileged' : ''}`)
      .sort();
    const actual = ofKind(objects, 'Namespace')
      .filter((n) => !n.metadata.name.startsWith('tenant-'))
      .map((n) => `${n.metadata.name}${(n.metadata.labels as Record<string, string>)['pod-security.kubernetes.io/enforce'] === 'privileged' ? ' privileged' : ''}`)
      .sort();
    expect(actual).toEqual(expected);
    for (const n of ofKind(objects, 'Namespace').filter((x) => !x.metadata.name.startsWith('tenant-'))) {
      expect(n.metadata.labels).toMatchObject({ 'cozystack.io/system': 'true' });
      expect(n.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    }
  });

  it('puts a cozystack-values Secret with _cluster in every platform namespace', () => {
    const secrets = ofKind(objects, 'Secret').filter((s) => s.metadata.name === 'cozystack-values' && !s.metadata.namespace!.startsWith('tenant-'));
    expect(secrets.map((s) => s.metadata.namespace).sort()).toEqual(
      ofKind(objects, 'Namespace').map((n) => n.metadata.name).filter((n) => !n.startsWith('tenant-')).sort(),
    );
    const values = (secrets[0]!.stringData as Record<string, string>)['values.yaml']!;
    expect(values).toContain(`bundle-name: ${name}`);
    expect(values).toContain('cluster-domain: cozy.local');
  });

  it('gives each release its chart from the v0.41.11 Git tree and the cozystack-values Secret', () => {
    for (const r of releases) {
      expect(spec(r).chart).toMatchObject({ spec: { sourceRef: { kind: 'GitRepository', name: 'cozystack-packages', namespace: 'cozy-system' }, reconcileStrategy: 'Revision' } });
      expect(spec(r).chartRef).toBeUndefined();
      expect(spec(r).valuesFrom).toEqual([{ kind: 'Secret', name: 'cozystack-values' }]);
    }
    expect(ofKind(objects, 'PackageSource')).toEqual([]);
    expect(ofKind(objects, 'ArtifactGenerator')).toEqual([]);
  });

  it('uses the chart folder of the reference for each component', () => {
    for (const r of refInstalled(ref)) {
      const hr = releases.find((x) => x.metadata.name === r.releaseName && x.metadata.namespace === r.namespace)!;
      expect((spec(hr).chart as { spec: { chart: string } }).spec.chart, r.name).toBe(r.chartPath);
    }
  });
});

describe('enable, disable and OIDC', () => {
  const ref = BUNDLES_JSON.bundles['paas-full']!;
  const names = (objects: ReturnType<typeof synthPlatform>['objects']) => systemReleases(objects).map((r) => `${r.metadata.name}@${r.metadata.namespace}`).sort();
  // Built before each test, not while the file is collected, so that mutation testing sees which
  // test covers which code (docs/testing.md).
  let base: ReturnType<typeof synthPlatform>['objects'];
  beforeEach(() => {
    base = synthPlatform({ version: '0.41.11' }).objects;
  });

  it('enabling an optional component adds exactly its release and namespace', () => {
    const { objects } = synthPlatform({ version: '0.41.11', components: { enable: ['bootbox'] } });
    const added = names(objects).filter((n) => !names(base).includes(n));
    const bootbox = ref.releases.find((r) => r.name === 'bootbox')!;
    expect(added).toEqual([`${bootbox.releaseName}@${bootbox.namespace}`]);
    expect(edgesOf(systemReleases(objects))).toEqual(refEdges(ref, refInstalled(ref, { enable: ['bootbox'] })));
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata.name)).toContain(bootbox.namespace);
  });

  it('disabling a component removes its release and every edge pointing at it', () => {
    const { objects } = synthPlatform({ version: '0.41.11', components: { disable: ['multus'] } });
    expect(names(base).filter((n) => !names(objects).includes(n))).toEqual(['multus@cozy-multus']);
    const edges = edgesOf(systemReleases(objects));
    expect(edges.some((e) => e.endsWith('-> multus@cozy-multus'))).toBe(false);
    expect(edges).toEqual(refEdges(ref, refInstalled(ref, { disable: ['multus'] })));
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata.name)).not.toContain('cozy-multus');
  });

  it('OIDC installs the keycloak components and the dashboard waits for keycloak-configure', () => {
    const { objects } = synthPlatform({ version: '0.41.11', oidc: { enabled: true } });
    expect(names(objects).filter((n) => !names(base).includes(n))).toEqual(['keycloak-configure@cozy-keycloak', 'keycloak-operator@cozy-keycloak', 'keycloak@cozy-keycloak']);
    expect(edgesOf(systemReleases(objects))).toEqual(refEdges(ref, refInstalled(ref, { oidc: true }), true));
    expect(edgesOf(systemReleases(objects))).toContain('dashboard@cozy-dashboard -> keycloak-configure@cozy-keycloak');
  });

  it('without OIDC there is no keycloak namespace (upstream creates an empty one)', () => {
    expect(ofKind(base, 'Namespace').map((n) => n.metadata.name)).not.toContain('cozy-keycloak');
  });

  it('distro bundles need both OIDC and enable for keycloak', () => {
    const onlyEnable = () => synthPlatform({ version: '0.41.11', bundle: Bundle.DISTRO_FULL, components: { enable: ['keycloak'] } });
    expect(onlyEnable).toThrow(/keycloak.*needs OIDC.*requires-oidc/s);
    const { objects } = synthPlatform({ version: '0.41.11', bundle: Bundle.DISTRO_FULL, oidc: { enabled: true }, components: { enable: ['keycloak', 'postgres-operator'] } });
    expect(names(objects)).toContain('keycloak@cozy-keycloak');
  });

  it('optional components keep their upstream release names', () => {
    const { objects } = synthPlatform({ version: '0.41.11', components: { enable: ['telepresence'] } });
    const t = ref.releases.find((r) => r.name === 'telepresence')!;
    expect(names(objects)).toContain(`${t.releaseName}@${t.namespace}`);
  });
});

describe('the Git source of a v0.41 release', () => {
  it('is the GitRepository cozystack-packages of the source setting, with the Secret of its credentials when one is named', () => {
    const repoOf = (source?: Record<string, unknown>) =>
      ofKind(synthPlatform({ version: '0.41.11', ...(source ? { source } : {}) } as never).objects, 'GitRepository').find((g) => g.metadata.name === 'cozystack-packages')!;
    expect(spec(repoOf()).secretRef).toBeUndefined();
    const withSecret = spec(repoOf({ url: 'https://git.example.org/cozystack.git', ref: { branch: 'main' }, secretName: 'git-credentials' }));
    expect(withSecret).toMatchObject({ url: 'https://git.example.org/cozystack.git', ref: { branch: 'main' }, secretRef: { name: 'git-credentials' } });
  });
});

describe('values', () => {
  it('fills settings into bundle values and deep-merges the user overrides', () => {
    const { objects } = synthPlatform({
      version: '0.41.11',
      clusterDomain: 'cluster.example',
      network: { podCidr: '10.244.0.0/16', podGateway: '10.244.0.1', serviceCidr: '10.96.0.0/16', joinCidr: '100.64.0.0/16' },
      components: { values: { kubeovn: { 'kube-ovn': { ipv4: { POD_CIDR: '10.250.0.0/16' } }, extra: true } } },
    });
    const kubeovn = systemReleases(objects).find((r) => r.metadata.name === 'kubeovn')!;
    expect(spec(kubeovn).values).toMatchObject({
      'kube-ovn': { ipv4: { POD_CIDR: '10.250.0.0/16', POD_GATEWAY: '10.244.0.1', SVC_CIDR: '10.96.0.0/16', JOIN_CIDR: '100.64.0.0/16' } },
      extra: true,
    });
    const kafka = systemReleases(objects).find((r) => r.metadata.name === 'kafka-operator')!;
    expect(spec(kafka).values).toEqual({ 'strimzi-kafka-operator': { kubernetesServiceDnsDomain: 'cluster.example' } });
  });

  it('telemetry: false disables telemetry in cozystack-controller', () => {
    const on = systemReleases(synthPlatform({ version: '0.41.11' }).objects).find((r) => r.metadata.name === 'cozystack-controller')!;
    expect(spec(on).values).toBeUndefined();
    const off = systemReleases(synthPlatform({ version: '0.41.11', telemetry: { enabled: false } }).objects).find((r) => r.metadata.name === 'cozystack-controller')!;
    expect(spec(off).values).toEqual({ cozystackController: { disableTelemetry: true } });
  });

  it('cpuAllocationRatio reaches kubevirt as a number', () => {
    const kv = systemReleases(synthPlatform({ version: '0.41.11', resources: { cpuAllocationRatio: 4 } }).objects).find((r) => r.metadata.name === 'kubevirt')!;
    expect(spec(kv).values).toEqual({ cpuAllocationRatio: 4 });
  });

  it('writes the settings into the cluster values', () => {
    const { objects } = synthPlatform({ version: '0.41.11', expose: { services: ['api', 'dashboard'], externalIPs: ['192.0.2.10'] }, oidc: { enabled: true } });
    const s = ofKind(objects, 'Secret').find((x) => x.metadata.namespace === 'cozy-system')!;
    const text = (s.stringData as Record<string, string>)['values.yaml']!;
    expect(text).toContain('expose-services: api,dashboard');
    expect(text).toContain('expose-external-ips: 192.0.2.10');
    expect(text).toContain('oidc-enabled: "true"');
    expect(text).toContain('root-host: example.org');
  });
});

describe('the root tenant in release rendering', () => {
  it('is the tenant-root Namespace, values Secret and HelmRelease, waiting for installed cilium and kubeovn', () => {
    for (const name of BUNDLE_NAMES) {
      const ref = BUNDLES_JSON.bundles[name]!;
      const { objects } = synthPlatform({ version: '0.41.11', bundle: Bundle.fromName(name) });
      const hr = ofKind(objects, 'HelmRelease').find((r) => r.metadata.name === 'tenant-root')!;
      expect(hr.metadata.namespace).toBe('tenant-root');
      expect(spec(hr).dependsOn ?? []).toEqual(ref.derived.tenantRootDependsOn);
      expect(spec(hr).values).toMatchObject({ host: name.startsWith('paas') ? PAAS.rootHost : 'example.org' });
    }
  });
});

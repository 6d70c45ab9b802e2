// The settings of a v1.x platform: each existing Platform prop means what upstream's own migration
// script makes of the same v0.41 setting (hack/migrate-to-version-1.0.sh at v1.6.0, quoted in
// lib/model/platform-chart.ts), `variant` and `platformValues` are the platform chart's own, and a
// v1 user's platform Package is input. Expected values are the script's mapping and the chart's
// `_cluster` keys (releases/v1.6.2/renders/*/rendered.yaml, values.yaml of the chart), written out.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, type KubeObject, Platform, type PlatformProps, platformFromDocuments, readYamlInputs } from '../lib/index.js';
import { releaseDir } from './support/reference.js';
import { ofKind, PAAS, spec } from './support/synth.js';

function build(props: Partial<PlatformProps>): { platform: Platform; objects: KubeObject[] } {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformProps);
  return { platform, objects: collectObjects(app) };
}
const packageValues = (props: Partial<PlatformProps>) => build(props).platform.model.chart!.packageValues;
const cluster = (props: Partial<PlatformProps>): Record<string, unknown> => {
  const s = ofKind(build(props).objects, 'Secret').find((o) => o.metadata.name === 'cozystack-values' && o.metadata.namespace === 'cozy-system')!;
  return (parse((s.stringData as Record<string, string>)['values.yaml']!) as { _cluster: Record<string, unknown> })._cluster;
};
const pkg = (objects: KubeObject[], name: string) => ofKind(objects, 'Package').find((p) => p.metadata.name === name);
const operator = (props: Partial<PlatformProps>) => build({ mode: 'operator', ...props }).objects;
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected an error');
};

describe('v0.41 settings at v1.x, as the migration script maps them', () => {
  // The script: publishing.host <- root-host, apiServerEndpoint <- api-server-endpoint,
  // ingressName <- expose-ingress, exposedServices <- expose-services, externalIPs <- expose-external-ips;
  // networking.* <- cluster-domain and ipv4-*; authentication.oidc <- oidc-enabled and
  // extra-keycloak-redirect-uri-for-dashboard; certificates <- clusterissuer; bundles.*Packages <-
  // bundle-enable/-disable as cozystack.<name>; branding and scheduling from their ConfigMaps.
  const cases: [string, Partial<PlatformProps>, Record<string, unknown>, Record<string, string>][] = [
    ['rootHost', { rootHost: 'cloud.example.net' }, { publishing: { host: 'cloud.example.net' } }, { 'root-host': 'cloud.example.net' }],
    ['apiServerEndpoint', { apiServerEndpoint: 'https://k8s.example.org:443' }, { publishing: { apiServerEndpoint: 'https://k8s.example.org:443' } }, { 'api-server-endpoint': 'https://k8s.example.org:443' }],
    ['expose.services', { expose: { services: ['api', 'dashboard'] } }, { publishing: { exposedServices: ['api', 'dashboard'] } }, { 'expose-services': 'api,dashboard' }],
    ['expose.ingress', { expose: { ingress: 'tenant-root' } }, { publishing: { ingressName: 'tenant-root' } }, { 'expose-ingress': 'tenant-root' }],
    ['expose.externalIPs', { expose: { externalIPs: ['192.0.2.10', '192.0.2.11'] } }, { publishing: { externalIPs: ['192.0.2.10', '192.0.2.11'] } }, { 'expose-external-ips': '192.0.2.10,192.0.2.11' }],
    ['clusterIssuer cloudflare', { clusterIssuer: 'cloudflare' }, { publishing: { certificates: { solver: 'dns01', issuerName: 'letsencrypt-prod' } } }, { solver: 'dns01', 'issuer-name': 'letsencrypt-prod', 'dns01-provider': 'cloudflare' }],
    ['clusterIssuer http01', { clusterIssuer: 'http01' }, { publishing: { certificates: { solver: 'http01', issuerName: 'letsencrypt-prod' } } }, { solver: 'http01', 'issuer-name': 'letsencrypt-prod' }],
    ['oidc.enabled', { oidc: { enabled: true } }, { authentication: { oidc: { enabled: true } } }, { 'oidc-enabled': 'true' }],
    // prettier-ignore
    ['oidc.extraRedirectUriForDashboard', { oidc: { enabled: true, extraRedirectUriForDashboard: 'https://dash.example.org/cb' } }, { authentication: { oidc: { enabled: true, keycloakExtraRedirectUri: 'https://dash.example.org/cb' } } }, { 'extra-keycloak-redirect-uri-for-dashboard': 'https://dash.example.org/cb' }],
    ['clusterDomain', { clusterDomain: 'cluster.example' }, { networking: { clusterDomain: 'cluster.example' } }, { 'cluster-domain': 'cluster.example' }],
    ['resources.cpuAllocationRatio', { resources: { cpuAllocationRatio: 4 } }, { resources: { cpuAllocationRatio: 4 } }, { 'cpu-allocation-ratio': '4' }],
    ['resources.memoryAllocationRatio', { resources: { memoryAllocationRatio: 1.5 } }, { resources: { memoryAllocationRatio: 1.5 } }, { 'memory-allocation-ratio': '1.5' }],
    ['resources.ephemeralStorageAllocationRatio', { resources: { ephemeralStorageAllocationRatio: 2 } }, { resources: { ephemeralStorageAllocationRatio: 2 } }, { 'ephemeral-storage-allocation-ratio': '2' }],
    ['migrationsTargetVersion', { migrationsTargetVersion: 60 }, { migrations: { targetVersion: 60 } }, {}],
  ];
  for (const [setting, props, values, keys] of cases) {
    it(`${setting}: the platform Package's values, and _cluster`, () => {
      expect(packageValues(props)).toMatchObject(values);
      expect(cluster(props)).toMatchObject(keys);
    });
  }

  it('unset settings keep the chart defaults (values.yaml of the chart: the four exposed services, cozy.local, letsencrypt-prod over http01)', () => {
    const c = cluster({ rootHost: undefined, apiServerEndpoint: undefined });
    expect(c).toMatchObject({ 'root-host': 'example.org', 'api-server-endpoint': '', 'expose-services': 'api,dashboard,vm-exportproxy,cdi-uploadproxy', 'cluster-domain': 'cozy.local', solver: 'http01', 'issuer-name': 'letsencrypt-prod', 'oidc-enabled': 'false' });
  });

  it('network.* and controlPlaneNodeIPs reach kube-ovn through the networking Package (networking.podCIDR ... and kubeovn.MASTER_NODES)', () => {
    const props = { network: { podCidr: '10.1.0.0/16', podGateway: '10.1.0.1', serviceCidr: '10.2.0.0/16', joinCidr: '100.65.0.0/16' }, controlPlaneNodeIPs: ['10.0.0.1', '10.0.0.2'] };
    expect(packageValues(props)).toMatchObject({ networking: { podCIDR: '10.1.0.0/16', podGateway: '10.1.0.1', serviceCIDR: '10.2.0.0/16', joinCIDR: '100.65.0.0/16', kubeovn: { MASTER_NODES: '10.0.0.1,10.0.0.2' } } });
    const kubeovn = (spec(pkg(operator(props), 'cozystack.networking')!).components as { kubeovn: { values: { 'kube-ovn': Record<string, unknown> } } }).kubeovn.values['kube-ovn'];
    expect(kubeovn).toEqual({ ipv4: { POD_CIDR: '10.1.0.0/16', POD_GATEWAY: '10.1.0.1', SVC_CIDR: '10.2.0.0/16', JOIN_CIDR: '100.65.0.0/16' }, MASTER_NODES: '10.0.0.1,10.0.0.2' });
  });

  it('branding is _cluster.branding; scheduling.globalAppTopologySpreadConstraints the cozystack-scheduling ConfigMap', () => {
    expect(cluster({ branding: { brandName: 'My Cloud' } }).branding).toEqual({ brandName: 'My Cloud' });
    const objects = build({ scheduling: { globalAppTopologySpreadConstraints: '- maxSkew: 1\n  topologyKey: zone\n' } }).objects;
    const cm = ofKind(objects, 'ConfigMap').find((o) => o.metadata.name === 'cozystack-scheduling')!;
    expect(cm.data).toEqual({ globalAppTopologySpreadConstraints: '- maxSkew: 1\n  topologyKey: zone\n' });
    expect(problems(() => build({ scheduling: { nodeSelector: 'x' } }))).toEqual([expect.stringMatching(/^scheduling\.nodeSelector \[not-in-release\].*has only scheduling\.globalAppTopologySpreadConstraints/)]);
  });

  it('components.enable and disable name Packages cozystack.<name>: the Package appears or goes', () => {
    expect(packageValues({ components: { enable: ['bootbox'], disable: ['linstor'] } })).toMatchObject({ bundles: { enabledPackages: ['cozystack.bootbox'], disabledPackages: ['cozystack.linstor'] } });
    const objects = operator({ components: { enable: ['bootbox'], disable: ['linstor'] } });
    expect(pkg(objects, 'cozystack.bootbox')).toBeDefined();
    expect(pkg(objects, 'cozystack.linstor')).toBeUndefined();
    expect(pkg(operator({}), 'cozystack.linstor')).toBeDefined();
  });

  it('components.enable adds to the optional packages of the variant (isp-full-generic enables cozystack.backupstrategy-controller)', () => {
    expect(packageValues({ variant: 'isp-full-generic', components: { enable: ['bootbox'] } })).toMatchObject({ bundles: { enabledPackages: ['cozystack.backupstrategy-controller', 'cozystack.bootbox'] } });
  });

  it('a package the release does not have is an error with a suggestion', () => {
    expect(problems(() => build({ components: { enable: ['bootbx'], disable: ['linstr'] } }))).toEqual([
      expect.stringMatching(/^components\.enable\[0\] \[unknown-package\] Cozystack 1\.6\.2 has no package cozystack\.bootbx.*did you mean 'bootbox'/),
      expect.stringMatching(/^components\.disable\[0\] \[unknown-package\] .*cozystack\.linstr.*did you mean 'linstor'/),
    ]);
  });

  it('components.values go into the Package that has the component; an unknown one is an error', () => {
    const objects = operator({ components: { values: { kubeovn: { debug: true } } } });
    expect((spec(pkg(objects, 'cozystack.networking')!).components as { kubeovn: { values: Record<string, unknown> } }).kubeovn.values).toMatchObject({ debug: true, 'kube-ovn': { ipv4: { POD_CIDR: '10.244.0.0/16' } } });
    expect(problems(() => build({ components: { values: { kubeovm: {} } } }))).toEqual([expect.stringMatching(/^components\.values\.kubeovm \[unknown-component\].*did you mean 'kubeovn'/)]);
  });

  it('what v1.x does not have is an error naming the release: chart paths, the management kubeconfig endpoint, the distro bundles, a custom bundle', () => {
    expect(problems(() => build({ components: { chartPaths: { cilium: 'system/cilium' } } }))).toEqual([expect.stringMatching(/^components\.chartPaths \[not-in-release\] at Cozystack 1\.6\.2/)]);
    expect(problems(() => build({ managementKubeconfigEndpoint: 'https://mgmt.example.org' }))).toEqual([expect.stringMatching(/^managementKubeconfigEndpoint \[not-in-release\] Cozystack 1\.6\.2 has no/)]);
    expect(problems(() => build({ bundle: Bundle.DISTRO_HOSTED }))).toEqual([expect.stringMatching(/^bundle \[not-in-release\] bundle distro-hosted was removed upstream in Cozystack v1\.0/)]);
    const mine = Bundle.PAAS_FULL.with({ name: 'mine', remove: ['multus'] });
    expect(problems(() => build({ bundle: mine }))).toEqual([expect.stringMatching(/^bundle \[not-in-release\] bundle mine is no bundle of Cozystack 1\.6\.2.*set variant/)]);
  });

  it('paas-hosted is variant isp-hosted; variant picks values-<variant>.yaml', () => {
    expect(build({ bundle: Bundle.PAAS_HOSTED }).platform.model.chart!.variant).toBe('isp-hosted');
    expect(cluster({ bundle: Bundle.PAAS_HOSTED })['bundle-name']).toBe('isp-hosted');
    expect(cluster({ variant: 'isp-full-generic' })['bundle-name']).toBe('isp-full-generic');
    // releases/v1.6.2/renders/isp-full-generic.defaults: the engine's API runs on control-plane nodes there, not under isp-full.
    const engine = (props: Partial<PlatformProps>) => spec(pkg(operator({ operator: { variant: 'hosted' }, ...props }), 'cozystack.cozystack-engine')!);
    expect(engine({ variant: 'isp-full-generic' }).components).toEqual({ 'cozystack-api': { values: { cozystackAPI: { nodeSelector: { 'node-role.kubernetes.io/control-plane': 'true' } } } } });
    expect(engine({}).components).toBeUndefined();
  });

  it('settings of a v1 release are errors at 0.41.11', () => {
    expect(problems(() => build({ version: '0.41.11', variant: 'isp-full', platformValues: { gateway: { enabled: true } } }))).toEqual([
      expect.stringMatching(/^variant \[not-in-release\] Cozystack 0\.41\.11 has no platform Package variants/),
      expect.stringMatching(/^platformValues \[not-in-release\] Cozystack 0\.41\.11 has no platform chart values/),
    ]);
  });
});

describe('platformValues: the platform chart\'s own values', () => {
  it('go over the mapped settings and reach _cluster (gateway.enabled is _cluster.gateway-enabled)', () => {
    expect(cluster({ platformValues: { gateway: { enabled: true } } })['gateway-enabled']).toBe('true');
    expect(cluster({ rootHost: 'a.example.org', platformValues: { publishing: { host: 'b.example.org' } } })['root-host']).toBe('b.example.org');
  });

  it('a key the chart of the release does not have is an error, with the keys it has', () => {
    expect(problems(() => build({ platformValues: { publising: { host: 'x' } } as never }))).toEqual([expect.stringMatching(/^platformValues\.publising \[not-in-release\] the platform chart of Cozystack 1\.6\.2 has no value publising.*did you mean 'publishing'/)]);
    expect(problems(() => build({ platformValues: { publishing: { certificates: { solvr: 'dns01' } } } as never }))).toEqual([expect.stringMatching(/^platformValues\.publishing\.certificates\.solvr \[not-in-release\].*did you mean 'solver'/)]);
    // Free-form maps of the chart (branding, backupStorage, registries) take any key.
    expect(() => build({ platformValues: { branding: { anything: 'x' }, backupStorage: { bucketName: 'b' } } })).not.toThrow();
  });

  it('sourceRef is the source setting\'s; a package list names packages of the release', () => {
    expect(problems(() => build({ platformValues: { sourceRef: { name: 'x' } } as never }))).toEqual([expect.stringMatching(/^platformValues\.sourceRef \[conflicting-setting\] is set by source/)]);
    expect(problems(() => build({ platformValues: { bundles: { enabledPackages: ['cozystack.gpu-operatr'] } } }))).toEqual([expect.stringMatching(/^platformValues\.bundles\.enabledPackages\[0\] \[unknown-package\].*did you mean 'cozystack\.gpu-operator'/)]);
  });

  it('a combination the chart refuses with fail is an error naming the setting (the iaas layer outside the isp-full variants)', () => {
    // releases/v1.6.2/renders/isp-hosted.iaas-on/error.txt: helm refuses bundles.iaas.enabled under isp-hosted.
    expect(readFileSync(join(releaseDir('v1.6.2'), 'renders', 'isp-hosted.iaas-on', 'error.txt'), 'utf8')).toMatch(/iaas/);
    expect(problems(() => build({ bundle: Bundle.PAAS_HOSTED, platformValues: { bundles: { iaas: { enabled: true } } } }))).toEqual([expect.stringMatching(/^platformValues\.bundles\.iaas\.enabled \[chart-refuses\]/)]);
  });

  it('a layer the chart refuses for the variant set in platformValues blames bundles.system.variant, the value the user gave', () => {
    // releases/v1.6.2/renders/isp-hosted.unknown-variant: bundles.system.variant distro-full, and helm
    // refuses bundles.paas.enabled (true in values-isp-hosted.yaml, not a value of the user's).
    const dir = join(releaseDir('v1.6.2'), 'renders', 'isp-hosted.unknown-variant');
    expect(readFileSync(join(dir, 'error.txt'), 'utf8')).toMatch(/bundles\.paas\.enabled can only be true when bundles\.system\.variant is/);
    const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as { bundles: { system: { variant: string } } };
    expect(values.bundles.system.variant).toBe('distro-full');
    const refused = problems(() => build({ bundle: Bundle.PAAS_HOSTED, platformValues: { bundles: values.bundles } }));
    expect(refused).toEqual([expect.stringMatching(/^platformValues\.bundles\.system\.variant \[chart-refuses\] .*bundles\.paas\.enabled is true with bundles\.system\.variant "distro-full"/)]);
    // With the layer's own value given, that value is the one to blame.
    expect(problems(() => build({ bundle: Bundle.PAAS_HOSTED, platformValues: { bundles: { ...values.bundles, paas: { enabled: true } } } }))).toEqual([expect.stringMatching(/^platformValues\.bundles\.paas\.enabled \[chart-refuses\]/)]);
  });
});

describe('clusterState: what the chart\'s look-ups find', () => {
  // The chart (releases/v1.6.2/renders/*.lookup-*): kube-root-ca.crt becomes _cluster.kube-root-ca
  // (base64); a v0.x cozystack ConfigMap's root-host wins; an installed cozystack-version means an
  // upgrade (no new ConfigMap, the migration Job below the target); ouroboros on the cluster with
  // proxyProtocol off is refused unless acknowledged.
  it("clusterState answers the chart's look-ups: the cluster's CA, a v0.x ConfigMap, an installed data version, ouroboros", () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(cluster({ clusterState: { kubeRootCa: ca } })['kube-root-ca']).toBe(Buffer.from(ca).toString('base64'));
    expect(cluster({})).not.toHaveProperty('kube-root-ca');
    expect(cluster({ clusterState: { legacyConfig: { 'root-host': 'legacy.example.com' } } })['root-host']).toBe('legacy.example.com');
    const upgrade = build({ clusterState: { installedDataVersion: 50 } }).objects;
    expect(ofKind(upgrade, 'ConfigMap').find((o) => o.metadata.name === 'cozystack-version')).toBeUndefined();
    expect(ofKind(upgrade, 'Job').map((o) => o.metadata.name)).toEqual(['cozystack-migration-hook']);
    expect(ofKind(build({ clusterState: { installedDataVersion: 54 } }).objects, 'Job')).toEqual([]);
    expect(problems(() => build({ clusterState: { ouroborosInstalled: true } }))).toEqual([expect.stringMatching(/^platformValues \[chart-refuses\].*cozystack\.ouroboros/)]);
    expect(() => build({ clusterState: { ouroborosInstalled: true }, platformValues: { publishing: { proxyProtocolAcknowledgeUnclean: true } } })).not.toThrow();
  });

  it('is refused at 0.41.11, and checked', () => {
    expect(problems(() => build({ version: '0.41.11', clusterState: { installedDataVersion: 50 } }))).toEqual([expect.stringMatching(/^clusterState \[not-in-release\]/)]);
    expect(problems(() => build({ clusterState: { installedDataVersion: -1, kubeRootCa: '' } }))).toEqual([expect.stringMatching(/^clusterState\.kubeRootCa \[invalid-type\]/), expect.stringMatching(/^clusterState\.installedDataVersion \[invalid-number\]/)]);
  });
});

describe('a v1 user\'s platform Package as input', () => {
  const ws = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-v1-package-'));
  afterAll(() => rmSync(ws, { recursive: true, force: true }));
  const example = readFileSync(join(releaseDir('v1.6.2'), 'upstream', 'packages', 'core', 'installer', 'example', 'platform.yaml'), 'utf8');
  const fromFiles = (files: Record<string, string>) => {
    const d = mkdtempSync(join(ws, 'case-'));
    for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
    const app = new App({ outdir: '/nonexistent-never-written' });
    const platform = platformFromDocuments(app, readYamlInputs([d]));
    return { platform, objects: collectObjects(app) };
  };

  it("upstream's example (packages/core/installer/example/platform.yaml) gives the variant and the chart's values", () => {
    const { platform, objects } = fromFiles({ 'platform.yaml': example });
    expect(platform.model.chart!.variant).toBe('isp-full');
    expect(platform.model.chart!.packageValues).toMatchObject({ publishing: { host: 'dev5.infra.aenix.org', externalIPs: ['10.4.0.94', '10.4.0.179', '10.4.0.26'] }, authentication: { oidc: { enabled: true } } });
    const s = ofKind(objects, 'Secret').find((o) => o.metadata.name === 'cozystack-values' && o.metadata.namespace === 'cozy-system')!;
    expect((parse((s.stringData as Record<string, string>)['values.yaml']!) as { _cluster: Record<string, string> })._cluster).toMatchObject({ 'root-host': 'dev5.infra.aenix.org', 'oidc-enabled': 'true' });
  });

  it('values the chart does not have are errors at the Package\'s own path', () => {
    const bad = example.replace('        authentication:', '        authentification:');
    expect(() => fromFiles({ 'platform.yaml': bad })).toThrow(/platform\.yaml#1 .*spec\.components\.platform\.values\.authentification: the platform chart of Cozystack 1\.6\.2 has no value authentification.*did you mean 'authentication'/);
    expect(() => fromFiles({ 'platform.yaml': example.replace('variant: isp-full', 'variant: isp-ful') })).toThrow(/spec\.variant: 'isp-ful' is not a variant .*did you mean 'isp-full'/);
    expect(() => fromFiles({ 'platform.yaml': example.replace('name: cozystack.cozystack-platform', 'name: cozystack.networking') })).toThrow(/metadata\.name: .*the only Package taken as input is cozystack\.cozystack-platform/);
  });

  it('with a Platform document: the document gives the other settings, the Package the variant and values; both giving one is an error', () => {
    const doc = 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nmetadata: {name: platform}\nspec: {bundle: paas-full, mode: operator}\n';
    const { platform } = fromFiles({ 'platform.yaml': doc, 'package.yaml': example });
    expect(platform.mode).toBe('operator');
    expect(platform.model.chart!.packageValues).toMatchObject({ publishing: { host: 'dev5.infra.aenix.org' } });
    const both = 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nmetadata: {name: platform}\nspec: {bundle: paas-full, variant: isp-full}\n';
    expect(() => fromFiles({ 'platform.yaml': both, 'package.yaml': example })).toThrow(/platform\.yaml#1 spec\.variant: is also given by the platform Package .*package\.yaml#1/);
  });
});

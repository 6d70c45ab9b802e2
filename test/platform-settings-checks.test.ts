// Every check of the Platform settings that a TypeScript or JavaScript caller reaches (`new Platform`
// with props the Platform document's schema would have refused before: the command line never
// passes them on), with each problem in full: the setting's path, the rule and the message, which
// names what was given and what is expected. The accepted forms are those the settings' JSDoc
// documents (lib/model/settings.ts: a DNS name, an http(s) URL, an IPv4 CIDR, a Go duration, a
// port, an image reference of the distribution grammar: registry[:port]/path[:tag][@sha256:<64 hex>]).
// Also what the model fills in when a setting is left out: the v0.41 defaults, the operator image
// of a pinned version.
import { createHash } from 'node:crypto';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, type KubeObject, Platform, type PlatformProps } from '../lib/index.js';
import { PAAS } from './support/synth.js';

const V041 = { version: '0.41.11' } as const;

function build(props: Record<string, unknown>): { platform: Platform; objects: KubeObject[] } {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformProps);
  return { platform, objects: collectObjects(app) };
}
const problems = (props: Record<string, unknown>): string[] => {
  try {
    build(props);
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected an error');
};

const CASES = [
    ['mode', { mode: 'helm' }, ["mode [invalid-enum] 'helm' is not a mode (expected 'flux' or 'operator')"]],
    ['tenantRendering', { tenantRendering: 'chart' }, ["tenantRendering [invalid-enum] 'chart' is not a tenant rendering (expected 'release' or 'explicit')"]],
    ['rootHost', { rootHost: 'Example.org' }, ["rootHost [invalid-host] 'Example.org' is not a valid DNS name (lowercase labels separated by dots)"]],
    ['apiServerEndpoint', { apiServerEndpoint: 'api.example.org:6443' }, ["apiServerEndpoint [invalid-url] 'api.example.org:6443' is not an http(s) URL (expected e.g. https://api.example.org:6443)"]],
    // At v1 the setting is also one the release does not have (test/platform-v1-settings.test.ts); at v0.41 only the first problem.
    ['managementKubeconfigEndpoint', { managementKubeconfigEndpoint: 'ftp://x' }, ["managementKubeconfigEndpoint [invalid-url] 'ftp://x' is not an http(s) URL", 'managementKubeconfigEndpoint [not-in-release] Cozystack 1.6.2 has no management kubeconfig endpoint (its platform chart has publishing.apiServerEndpoint only)']],
    ['clusterDomain', { clusterDomain: 'cozy_local' }, ["clusterDomain [invalid-host] 'cozy_local' is not a valid DNS name"]],
    ['oidc.extraRedirectUriForDashboard', { oidc: { extraRedirectUriForDashboard: 'dashboard.example.org' } }, ["oidc.extraRedirectUriForDashboard [invalid-url] 'dashboard.example.org' is not an http(s) URL"]],
    ['clusterIssuer', { clusterIssuer: 'dns01' }, ["clusterIssuer [invalid-enum] 'dns01' is not a cluster issuer (expected 'http01' or 'cloudflare')"]],
    ['expose.services, with the index and the nearest name', { expose: { services: ['api', 'dashbord'] } }, ["expose.services[1] [invalid-enum] 'dashbord' is not an exposable service (expected one of api, dashboard, cdi-uploadproxy, vm-exportproxy) (did you mean 'dashboard'?)"]],
    ['expose.ingress', { expose: { ingress: 'Tenant-Root' } }, ["expose.ingress [invalid-name] 'Tenant-Root' is not a namespace name"]],
    ['expose.externalIPs', { expose: { externalIPs: ['192.0.2.1', '192.0.2'] } }, ["expose.externalIPs[1] [invalid-ip] '192.0.2' is not an IP address"]],
    ['controlPlaneNodeIPs', { controlPlaneNodeIPs: ['10.0.0.1', 'node-2'] }, ["controlPlaneNodeIPs[1] [invalid-ip] 'node-2' is not an IP address"]],
    ['network.podCidr', { network: { podCidr: '10.244.0.0' } }, ["network.podCidr [invalid-cidr] '10.244.0.0' is not an IPv4 CIDR (expected e.g. 10.244.0.0/16)"]],
    ['network.serviceCidr', { network: { serviceCidr: '10.96.0.0/33' } }, ["network.serviceCidr [invalid-cidr] '10.96.0.0/33' is not an IPv4 CIDR (expected e.g. 10.244.0.0/16)"]],
    ['network.joinCidr', { network: { joinCidr: 'fd00::/64' } }, ["network.joinCidr [invalid-cidr] 'fd00::/64' is not an IPv4 CIDR (expected e.g. 10.244.0.0/16)"]],
    ['network.podGateway', { network: { podGateway: '10.244.0.0/16' } }, ["network.podGateway [invalid-ip] '10.244.0.0/16' is not an IP address"]],
    ['resources.cpuAllocationRatio: zero', { resources: { cpuAllocationRatio: 0 } }, ['resources.cpuAllocationRatio [invalid-number] expected a positive number, got 0']],
    ['resources.memoryAllocationRatio: a string', { resources: { memoryAllocationRatio: '2' } }, ['resources.memoryAllocationRatio [invalid-number] expected a positive number, got "2"']],
    ['resources.ephemeralStorageAllocationRatio: infinite', { resources: { ephemeralStorageAllocationRatio: Infinity } }, ['resources.ephemeralStorageAllocationRatio [invalid-number] expected a positive number, got null']],
    ['helmRelease.interval', { helmRelease: { interval: '5 minutes' } }, ["helmRelease.interval [invalid-duration] '5 minutes' is not a Go duration (expected e.g. '5m')"]],
    ['helmRelease.installTimeout', { helmRelease: { installTimeout: '10' } }, ["helmRelease.installTimeout [invalid-duration] '10' is not a Go duration (expected e.g. '5m')"]],
    ['helmRelease.upgradeTimeout', { helmRelease: { upgradeTimeout: '1d' } }, ["helmRelease.upgradeTimeout [invalid-duration] '1d' is not a Go duration (expected e.g. '5m')"]],
    ['helmRelease.retryInterval', { helmRelease: { retryInterval: 'm' } }, ["helmRelease.retryInterval [invalid-duration] 'm' is not a Go duration (expected e.g. '5m')"]],
    ['helmRelease.maxHistory: negative', { helmRelease: { maxHistory: -1 } }, ['helmRelease.maxHistory [invalid-number] expected a non-negative integer, got -1']],
    ['helmRelease.maxHistory: a fraction', { helmRelease: { maxHistory: 2.5 } }, ['helmRelease.maxHistory [invalid-number] expected a non-negative integer, got 2.5']],
    ['deletionGuardrail', { deletionGuardrail: 'yes' }, ['deletionGuardrail [invalid-type] expected true or false, got "yes"']],
    ['version without a digit after the v', { version: 'latest' }, ["version [invalid-version] 'latest' is not a Cozystack release version (expected a release such as 1.6.0)"]],
    ["version with the leading 'v'", { version: 'v1.6.2' }, ["version [invalid-version] 'v1.6.2' is not a Cozystack release version (write it without the leading 'v': '1.6.2')"]],
    ["a 'v' not followed by a digit is no such slip", { version: 'vx' }, ["version [invalid-version] 'vx' is not a Cozystack release version (expected a release such as 1.6.0)"]],
    // The operator's default image is not made of a version that is not one (it would be a second problem).
    ['a version with a space', { version: '1.6 beta' }, ["version [invalid-version] '1.6 beta' is not a Cozystack release version (expected a release such as 1.6.0)"]],
    ['version that is not a string', { version: 1.6 }, ["version [invalid-version] '1.6' is not a Cozystack release version (expected a release such as 1.6.0)"]],
    ['a version not pinned, with the pinned ones', { version: '1.6.1' }, ["version [unknown-version] '1.6.1' is not a release this library pins (it knows 0.41.11, 1.6.0, 1.6.2) (did you mean '1.6.0'?)"]],
    ['migrationsTargetVersion zero', { migrationsTargetVersion: 0 }, ['migrationsTargetVersion [invalid-number] expected a positive integer, got 0']],
    ['migrationsTargetVersion a fraction', { migrationsTargetVersion: 1.5 }, ['migrationsTargetVersion [invalid-number] expected a positive integer, got 1.5']],
    ['operator not a map', { operator: 'talos' }, ['operator [invalid-type] expected a map of operator settings, got "talos"']],
    ['operator a number', { operator: 1 }, ['operator [invalid-type] expected a map of operator settings, got 1']],
    ['operator a list', { operator: [] }, ['operator [invalid-type] expected a map of operator settings, got []']],
    ['operator.variant, with the variants and the nearest', { operator: { variant: 'generc' } }, ["operator.variant [invalid-enum] 'generc' is not an operator variant (expected one of talos, generic, hosted) (did you mean 'generic'?)"]],
    ['operator.image', { operator: { image: 'Registry.example/op:v1' } }, ["operator.image [invalid-image] 'Registry.example/op:v1' is not an image reference (expected e.g. ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.0)"]],
    ['operator.apiServerHost missing for generic', { operator: { variant: 'generic' } }, ["operator.apiServerHost [required] the generic variant needs the API server's host (the internal IP of a control-plane node)"]],
    ['operator.apiServerHost empty for generic', { operator: { variant: 'generic', apiServerHost: '' } }, ["operator.apiServerHost [required] the generic variant needs the API server's host (the internal IP of a control-plane node)"]],
    ['operator.apiServerHost with a scheme and a port', { operator: { variant: 'generic', apiServerHost: 'https://10.0.0.1:6443' } }, ["operator.apiServerHost [invalid-host] 'https://10.0.0.1:6443' is not an IP address or host name (no scheme, no port)"]],
    ['operator.apiServerHost not a string', { operator: { variant: 'generic', apiServerHost: 10 } }, ["operator.apiServerHost [invalid-host] '10' is not an IP address or host name (no scheme, no port)"]],
    ['operator.apiServerHost and apiServerPort without the generic variant', { operator: { apiServerHost: '10.0.0.1', apiServerPort: 6443 } }, ['operator.apiServerHost [conflicting-setting] is used only by the generic variant (variant is not set)', 'operator.apiServerPort [conflicting-setting] is used only by the generic variant (variant is not set)']],
    ['(with the hosted variant)', { operator: { variant: 'hosted', apiServerPort: 6443 } }, ['operator.apiServerPort [conflicting-setting] is used only by the generic variant (variant is hosted)']],
    ['operator.apiServerPort zero', { operator: { variant: 'generic', apiServerHost: '10.0.0.1', apiServerPort: 0 } }, ['operator.apiServerPort [invalid-number] expected a port number (1 to 65535), got 0']],
    ['operator.apiServerPort above 65535', { operator: { variant: 'generic', apiServerHost: '10.0.0.1', apiServerPort: 65536 } }, ['operator.apiServerPort [invalid-number] expected a port number (1 to 65535), got 65536']],
    ['operator.apiServerPort a string', { operator: { variant: 'generic', apiServerHost: '10.0.0.1', apiServerPort: '6443' } }, ['operator.apiServerPort [invalid-number] expected a port number (1 to 65535), got "6443"']],
    ['operator.installFlux', { operator: { installFlux: 'no' } }, ['operator.installFlux [invalid-type] expected true or false, got "no"']],
] as const;

describe('checks of the settings, each problem in full (v0.41.11 and the default release alike)', () => {
  it.each(CASES)('%s', (_, props, expected) => {
    expect(problems(props as Record<string, unknown>)).toEqual(expected);
  });

  // v0.41 has no operator and no migrations (other problems, test/releases.test.ts); the version cases pin one.
  const v041 = CASES.filter(([, props]) => !['operator', 'version', 'migrationsTargetVersion'].some((k) => k in props) && (props as { mode?: string }).mode !== 'operator');
  it.each(v041)('%s (0.41.11)', (_, props, expected) => {
    expect(problems({ ...V041, ...(props as Record<string, unknown>) })).toEqual(expected.filter((l) => !l.includes('[not-in-release] Cozystack 1.6.2')));
  });

  it('every problem is reported at once, in the order the settings are documented', () => {
    expect(problems({ mode: 'x', rootHost: 'A', clusterIssuer: 'y', network: { podCidr: 'z' }, helmRelease: { interval: 'w' } })).toEqual([
      "mode [invalid-enum] 'x' is not a mode (expected 'flux' or 'operator')",
      "rootHost [invalid-host] 'A' is not a valid DNS name (lowercase labels separated by dots)",
      "clusterIssuer [invalid-enum] 'y' is not a cluster issuer (expected 'http01' or 'cloudflare')",
      "network.podCidr [invalid-cidr] 'z' is not an IPv4 CIDR (expected e.g. 10.244.0.0/16)",
      "helmRelease.interval [invalid-duration] 'w' is not a Go duration (expected e.g. '5m')",
    ]);
  });

  it.each([
    ['every value the documentation names', { mode: 'operator', tenantRendering: 'explicit', clusterIssuer: 'cloudflare', expose: { services: ['api', 'dashboard', 'cdi-uploadproxy', 'vm-exportproxy'], ingress: 'tenant-root', externalIPs: ['192.0.2.1', '2001:db8::1'] } }],
    ['the edge values', { helmRelease: { maxHistory: 0, interval: '1h30m', installTimeout: '1.5h', upgradeTimeout: '90s', retryInterval: '500ms' }, resources: { cpuAllocationRatio: 0.5 } }],
    ['a generic operator on the lowest and the highest port', { mode: 'operator', operator: { variant: 'generic', apiServerHost: 'cp-1.example.org', apiServerPort: 1 } }],
    ['(65535)', { mode: 'operator', operator: { variant: 'generic', apiServerHost: '2001:db8::10', apiServerPort: 65535 } }],
  ] as const)('accepted: %s', (_, props) => {
    expect(() => build(props as Record<string, unknown>)).not.toThrow();
  });
});

describe('the operator image reference: the distribution grammar (registry[:port]/path[:tag][@sha256:digest])', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const image = (props: Record<string, unknown>) => {
    const d = build({ mode: 'operator', ...props }).objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cozystack-operator')!;
    return ((d as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]!).image;
  };
  it.each([
    'ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.2',
    'registry.example:5000/op:v1',
    'localhost/op',
    'op',
    `registry.example/op@${digest}`,
    `registry.example/op:v1@${digest}`,
    'registry.example/a__b/c--d/e.f:V_1.2-x',
    `registry.example/op:${'t'.repeat(128)}`,
  ])('accepted: %s', (ref) => {
    expect(image({ operator: { image: ref } })).toBe(ref);
  });
  it.each([
    ['a capital in the path', 'registry.example/Op:v1'],
    ['a tag that starts with a dot', 'registry.example/op:.v1'],
    ['a tag of 129 characters', `registry.example/op:${'t'.repeat(129)}`],
    ['a digest that is too short', `registry.example/op@sha256:${'a'.repeat(63)}`],
    ['a digest in capitals', `registry.example/op@sha256:${'A'.repeat(64)}`],
    ['a path that ends in a separator', 'registry.example/op-:v1'],
    ['two dots in a path component', 'registry.example/a..b:v1'],
    ['an empty path component', 'registry.example//op'],
    ['a port that is no number', 'registry.example:http/op'],
    ['a scheme', 'https://registry.example/op'],
    ['a space', 'registry.example/op :v1'],
  ])('refused: %s', (_, ref) => {
    expect(problems({ mode: 'operator', operator: { image: ref } })).toEqual([`operator.image [invalid-image] '${ref}' is not an image reference (expected e.g. ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.0)`]);
  });
  it('not a string', () => {
    expect(problems({ mode: 'operator', operator: { image: 5 } })).toEqual(["operator.image [invalid-image] '5' is not an image reference (expected e.g. ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.0)"]);
  });
  it('without an image, the operator of the pinned version: the upstream image at the tag v<version>', () => {
    expect(image({ version: '1.6.0' })).toBe('ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.0');
    expect(image({ version: '1.6.2' })).toBe('ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.2');
  });
});

describe('the cozystack ConfigMap of v0.41.11 and the hash of it that keycloak-configure gets', () => {
  // Upstream (packages/core/platform/bundles/paas-full.yaml at v0.41.11) the value cozystack.configHash
  // is the sha256 of the looked-up ConfigMap as toJson writes it, so that keycloak-configure runs again
  // when a setting changes. The looked-up object carries cluster metadata (uid, resourceVersion) no
  // synth can know; the documented rule here is the sha256 of its data as Go's toJson writes a map of
  // strings: keys sorted, no spaces.
  const v041 = (props: Record<string, unknown> = {}) => {
    const { objects } = build({ ...V041, oidc: { enabled: true }, ...props });
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cozystack' && o.metadata.namespace === 'cozy-system') as unknown as { data: Record<string, string> };
    const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'keycloak-configure') as unknown as { spec: { values: { cozystack: { configHash: string } } } };
    return { data: cm.data, hash: hr.spec.values.cozystack.configHash };
  };
  const goJson = (m: Record<string, string>) => `{${Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(',')}}`;

  it('its data keys are sorted', () => {
    const keys = Object.keys(v041({ components: { enable: ['bootbox'] }, telemetry: { enabled: false }, network: { podCidr: '10.244.0.0/16' } }).data);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(['api-server-endpoint', 'bundle-enable', 'bundle-name', 'ipv4-pod-cidr', 'root-host', 'telemetry-enabled']));
  });

  it('the hash is the sha256 of the data as Go writes it', () => {
    for (const props of [{}, { expose: { services: ['api', 'dashboard'] }, resources: { cpuAllocationRatio: 4 } }]) {
      const { data, hash } = v041(props);
      expect(hash).toBe(createHash('sha256').update(goJson(data)).digest('hex'));
    }
  });

  it('changes with a setting, and only then', () => {
    expect(v041().hash).toBe(v041().hash);
    expect(v041({ clusterIssuer: 'cloudflare' }).hash).not.toBe(v041().hash);
    expect(v041({ expose: { services: ['api'] } }).hash).not.toBe(v041().hash);
  });
});

describe('settings of the components, of the release and of the operator mode, each problem in full', () => {
  it.each([
    // v0.41.11 lacks the v1 line's settings; each problem names the setting, the release and those that have it.
    ['v0.41: mode operator', { ...V041, mode: 'operator' }, ['mode [not-in-release] Cozystack 0.41.11 has no cozystack operator (its installer applies the platform chart, which makes HelmReleases): use mode flux; it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: operator settings', { ...V041, operator: {} }, ['operator [not-in-release] Cozystack 0.41.11 has no cozystack operator; it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: the guardrail', { ...V041, deletionGuardrail: true }, ['deletionGuardrail [not-in-release] Cozystack 0.41.11 has no deletion guardrail; it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: migrations', { ...V041, migrationsTargetVersion: 3 }, ['migrationsTargetVersion [not-in-release] Cozystack 0.41.11 has no platform migrations; it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: a variant', { ...V041, variant: 'isp-full' }, ['variant [not-in-release] Cozystack 0.41.11 has no platform Package variants (it has the four bundles); it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: platformValues', { ...V041, platformValues: {} }, ['platformValues [not-in-release] Cozystack 0.41.11 has no platform chart values (its settings are the cozystack ConfigMap); it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: clusterState', { ...V041, clusterState: {} }, ['clusterState [not-in-release] Cozystack 0.41.11 has no platform chart look-ups of the v1 line; it is a setting of 1.6.0, 1.6.2']],
    ['v0.41: an OCI source', { ...V041, source: { url: 'oci://registry.example/cozystack-packages' } }, ['source.url [not-in-release] Cozystack 0.41.11 takes its charts from chart folders of a Git repository (Flux HelmCharts cannot read an OCI artifact); give a Git URL such as https://github.com/cozystack/cozystack']],
    ['v0.41: a chart folder the release does not have', { ...V041, components: { chartPaths: { cilium: 'system/no-such-chart' } } }, ["components.chartPaths.cilium [chart-not-in-release] component 'cilium' uses chart folder system/no-such-chart, which Cozystack 0.41.11 does not have"]],
    ["v0.41: a bundle's own folder the release does not have", { ...V041, bundle: Bundle.PAAS_FULL.with({ name: 'mine', replace: [{ ...Bundle.PAAS_FULL.component('cilium')!, chartPath: 'system/cilium-fork' }] }) }, ["bundle [chart-not-in-release] component 'cilium' uses chart folder system/cilium-fork, which Cozystack 0.41.11 does not have"]],
    ['v0.41: an unknown component in enable, with the index and the nearest name', { ...V041, components: { enable: ['velero', 'bootbx'] } }, ["components.enable[1] [unknown-component] no component 'bootbx' in bundle paas-full (did you mean 'bootbox'?)"]],
    ['v0.41: an unknown component in disable', { ...V041, components: { disable: ['no-such'] } }, ["components.disable[0] [unknown-component] no component 'no-such' in bundle paas-full"]],
    ['v0.41: both enabled and disabled', { ...V041, components: { enable: ['bootbox'], disable: ['bootbox'] } }, ["components.enable [conflicting-setting] component 'bootbox' is both enabled and disabled"]],
    ['v0.41: a component that needs OIDC', { ...V041, components: { enable: ['keycloak'] } }, ["components.enable [requires-oidc] component 'keycloak' needs OIDC; set oidc.enabled: true"]],
    ['v0.41: values of an unknown component', { ...V041, components: { values: { kubeovm: {} } } }, ["components.values.kubeovm [unknown-component] no component 'kubeovm' in bundle paas-full (did you mean 'kubeovn'?)"]],
    ['v0.41: a chart path of an unknown component', { ...V041, components: { chartPaths: { ciliun: 'system/cilium' } } }, ["components.chartPaths.ciliun [unknown-component] no component 'ciliun' in bundle paas-full (did you mean 'cilium'?)"]],
    ['v0.41: values of an optional component not enabled', { ...V041, components: { values: { bootbox: {} } } }, ["components.values.bootbox [not-installed] component 'bootbox' is not installed (it is optional; add it to components.enable)"]],
    ['v0.41: values of a disabled component', { ...V041, components: { disable: ['velero'], chartPaths: { velero: 'system/velero' } } }, ["components.chartPaths.velero [not-installed] component 'velero' is not installed (it is in components.disable)"]],
    ['v0.41: values of a component that needs OIDC', { ...V041, components: { values: { keycloak: {} } } }, ["components.values.keycloak [not-installed] component 'keycloak' is not installed (it needs oidc.enabled: true)"]],
    ['v0.41: component values that are not a map', { ...V041, components: { values: { cilium: ['x'] } } }, ['components.values.cilium [invalid-type] expected a map of values, got ["x"]']],
    ['v0.41: a chart path that is no relative folder', { ...V041, components: { chartPaths: { cilium: '/abs/cilium' } } }, ["components.chartPaths.cilium [invalid-path] '/abs/cilium' is not a relative chart folder (expected e.g. system/cilium)"]],
    ['v0.41: (with a parent step)', { ...V041, components: { chartPaths: { cilium: 'system/../cilium' } } }, ["components.chartPaths.cilium [invalid-path] 'system/../cilium' is not a relative chart folder (expected e.g. system/cilium)"]],
    ['v0.41: (not a string)', { ...V041, components: { chartPaths: { cilium: 1 } } }, ["components.chartPaths.cilium [invalid-path] '1' is not a relative chart folder (expected e.g. system/cilium)"]],
    // Operator mode: what the operator's command line cannot carry.
    ['operator mode: a comma in the source ref', { mode: 'operator', source: { url: 'oci://registry.example/c', ref: { semver: '>=1.5.0, <1.7.0' } } }, ["source.ref.semver [invalid-ref] '>=1.5.0, <1.7.0' contains a comma, which the operator's --platform-source-ref cannot carry"]],
    ['operator mode: zero durations, each', { mode: 'operator', helmRelease: { interval: '0s', installTimeout: '0m', upgradeTimeout: '0h0m', retryInterval: '0.0s' } }, [
      "helmRelease.interval [invalid-duration] '0s' is zero; the operator needs a positive duration",
      "helmRelease.installTimeout [invalid-duration] '0m' is zero; the operator needs a positive duration",
      "helmRelease.upgradeTimeout [invalid-duration] '0h0m' is zero; the operator needs a positive duration",
      "helmRelease.retryInterval [invalid-duration] '0.0s' is zero; the operator needs a positive duration",
    ]],
    ['operator mode: isp-full-generic without an operator variant', { mode: 'operator', variant: 'isp-full-generic' }, ['operator.variant [required] variant isp-full-generic runs on a cluster without Talos KubePrism: set operator.variant (generic, with operator.apiServerHost, or hosted)']],
  ] as const)('%s', (_, props, expected) => {
    expect(problems(props as Record<string, unknown>)).toEqual(expected);
  });

  it.each([
    ['flux mode takes a comma in the ref and zero durations', { source: { url: 'oci://registry.example/c', ref: { semver: '>=1.5.0, <1.7.0' } }, helmRelease: { retryInterval: '0s' } }],
    ['operator mode takes a positive duration with a zero in it', { mode: 'operator', helmRelease: { interval: '10m', retryInterval: '0.5s' } }],
    ['isp-full-generic in flux mode needs no operator variant', { variant: 'isp-full-generic' }],
    ['isp-full-generic in operator mode with the hosted variant', { mode: 'operator', variant: 'isp-full-generic', operator: { variant: 'hosted' } }],
    ['v0.41: a chart path of the release, and values of an enabled component', { ...V041, components: { enable: ['bootbox'], values: { bootbox: { a: 1 } }, chartPaths: { cilium: 'system/cilium' } } }],
  ] as const)('accepted: %s', (_, props) => {
    expect(() => build(props as Record<string, unknown>)).not.toThrow();
  });
});

describe('the bundle', () => {
  it('a bundle that is no Bundle (a JavaScript caller\'s name) is the one problem reported: nothing else can be checked without it', () => {
    expect(problems({ bundle: 'paas-full', mode: 'x' })).toEqual(['bundle [invalid-type] expected a Bundle (e.g. Bundle.PAAS_FULL)']);
  });
  it('(no props at all), and the failed platform leaves nothing in the app', () => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    let error: unknown;
    try {
      new Platform(app, 'platform', undefined as unknown as PlatformProps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CozystackValidationError);
    expect((error as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`)).toEqual(['bundle [invalid-type] expected a Bundle (e.g. Bundle.PAAS_FULL)']);
    expect(app.node.children).toEqual([]);
  });
});

describe('what the v0.41 model fills in when a setting is left out (the mutation run of platform-model.ts)', () => {
  const distro = (props: Record<string, unknown> = {}) => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    const platform = new Platform(app, 'platform', { bundle: Bundle.DISTRO_FULL, ...V041, ...props } as PlatformProps);
    const objects = collectObjects(app);
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cozystack' && o.metadata.namespace === 'cozy-system') as unknown as { data: Record<string, string> };
    return { platform, objects, data: cm.data };
  };

  it("without rootHost (distro-full does not require it) the root tenant's host is example.org, as PlatformProps.rootHost documents", () => {
    expect(distro().platform.rootTenant.host).toBe('example.org');
    expect(distro({ rootHost: 'cloud.example.net' }).platform.rootTenant.host).toBe('cloud.example.net');
  });

  it('the ConfigMap has root-host and api-server-endpoint empty when they are not set (the empty value the templates read for a missing key)', () => {
    const { data } = distro();
    expect(data['root-host']).toBe('');
    expect(data['api-server-endpoint']).toBe('');
  });

  it('the ConfigMap joins the external IPs with commas, as the upstream key expose-external-ips takes them', () => {
    expect(distro({ expose: { externalIPs: ['192.0.2.10', '192.0.2.11'] } }).data['expose-external-ips']).toBe('192.0.2.10,192.0.2.11');
  });

  it("paas-full: kube-ovn's pod gateway is empty when network.podGateway is not set (upstream reads the missing ConfigMap key as empty)", () => {
    const kubeovn = build({ ...V041 }).objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'kubeovn') as unknown as { spec: { values: { 'kube-ovn': { ipv4: Record<string, string> } } } };
    expect(kubeovn.spec.values['kube-ovn'].ipv4.POD_GATEWAY).toBe('');
  });

  it('a chart folder of one or of three segments is a folder (then one the release does not have), not a malformed path', () => {
    for (const path of ['cilium', 'system/cilium/sub']) {
      expect(problems({ ...V041, components: { chartPaths: { cilium: path } } })).toEqual([`components.chartPaths.cilium [chart-not-in-release] component 'cilium' uses chart folder ${path}, which Cozystack 0.41.11 does not have`]);
    }
  });

  it("a 'v' and a digit inside a version is not the leading-'v' slip", () => {
    expect(problems({ version: 'release-v1.6.2' })).toEqual(["version [invalid-version] 'release-v1.6.2' is not a Cozystack release version (expected a release such as 1.6.0)"]);
  });

  it('the report is headed invalid platform settings, at v0.41 and at v1', () => {
    for (const props of [{ ...V041, mode: 'x' }, { mode: 'x' }]) {
      try {
        build(props);
        throw new Error('expected an error');
      } catch (e) {
        expect((e as CozystackValidationError).heading).toBe('invalid platform settings');
        expect((e as Error).message.split('\n')[0]).toBe('invalid platform settings:');
      }
    }
  });

  it("a custom bundle whose values name a placeholder the model does not have fails, naming the bundle and the placeholder", () => {
    const cilium = Bundle.PAAS_FULL.component('cilium')!;
    const bundle = Bundle.PAAS_FULL.with({ name: 'mine', replace: [{ ...cilium, values: { a: '{{noSuchPlaceholder}}' } }] });
    expect(() => build({ ...V041, bundle })).toThrow('bundle mine: unknown placeholder {{noSuchPlaceholder}}');
  });
});

describe('the namespaces of a custom bundle', () => {
  it('cozy-public is privileged when a privileged component of the bundle runs there (a namespace is privileged when one of its releases is)', () => {
    const cilium = Bundle.PAAS_FULL.component('cilium')!;
    const bundle = Bundle.PAAS_FULL.with({ name: 'mine', replace: [{ ...cilium, namespace: 'cozy-public' }] });
    const ns = build({ ...V041, bundle }).objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'cozy-public')!;
    expect((ns.metadata.labels as Record<string, string>)['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const plain = build({ ...V041 }).objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'cozy-public')!;
    expect((plain.metadata.labels as Record<string, string>)['pod-security.kubernetes.io/enforce']).not.toBe('privileged');
  });
});

// Which tests assert the effect of each public setting: every prop of PlatformProps (by
// dot path), of GitOpsProps and of InputLimits, every field of the Platform document, every
// command-line option. test/settings-coverage.test.ts fails when a setting has no entry here, when
// an entry names a setting that no longer exists, or when a named test is not in its file: a new
// setting cannot land without a test of its effect.
//
// A reference is `<file> > <test title>`, the title exactly as written in the file (for a
// table-driven test, the title template), optionally followed by ` # <case>`: a literal that must
// also appear in the file (the row of the table that exercises the setting).
//
// Fields of the Platform document under `spec.` are the props of the same path (spec.gitops.* the
// GitOpsProps): they are covered by the props' entries together with the document test
// DOCUMENT_TO_PROPS, which checks that every field reaches the props unchanged. Only the fields
// that are not props are listed in DOCUMENT.

export type TestRef = string;

export const DOCUMENT_TO_PROPS: TestRef = 'settings.test.ts > every field of the Platform document reaches the props (spec.gitops the GitOps props), unchanged';

const S = 'settings.test.ts > ';
const CLUSTER = `${S}\${setting} is _cluster.\${key}`;
const cluster = (setting: string): TestRef => `${CLUSTER} # ['${setting}',`;
const TUNING_FLUX = [`${S}defaults: interval 5m, maxHistory 5, timeouts 10m, RetryOnFailure every 30s`, `${S}interval, maxHistory, installTimeout, upgradeTimeout and retryInterval are carried over`];
const tuningOperator = (k: string): TestRef => `bootstrap.test.ts > tuning: %s # ['${k}',`;
const sourceRef = (c: string): TestRef => `bootstrap.test.ts > ref: %s # ['${c}',`;
/** v1.x: the migration script's mapping of a setting (test/platform-v1-settings.test.ts). */
const V1 = 'platform-v1-settings.test.ts > ';
const v1 = (setting: string): TestRef => `${V1}\${setting}: the platform Package's values, and _cluster # ['${setting}',`;
const V1_NETWORK = `${V1}network.* and controlPlaneNodeIPs reach kube-ovn through the networking Package (networking.podCIDR ... and kubeovn.MASTER_NODES)`;
const V1_MISSING = `${V1}what v1.x does not have is an error naming the release: chart paths, the management kubeconfig endpoint, the distro bundles, a custom bundle`;
const V1_RENDERS = 'platform-v1.test.ts > ${c.id}: object for object';
const ROOT_TENANT = [`${S}by default the tenant-root HelmRelease states all four services`, `${S}etcd, ingress, monitoring, seaweedfs, isolated and resourceQuotas reach the tenant-root HelmRelease`];

/** PlatformProps (PlatformSettings and the Platform's own), by dot path. */
export const PROPS: Record<string, readonly TestRef[]> = {
  bundle: ['platform-bundles.test.ts > installs exactly the HelmReleases the reference renders by default', 'platform-bundles.test.ts > has every release of the reference as a component'],
  rootHost: [v1('rootHost'), cluster('rootHost'), 'platform-bundles.test.ts > is the tenant-root Namespace, values Secret and HelmRelease, waiting for installed cilium and kubeovn', 'tenants.test.ts > names namespaces by the parent chain and hosts by the reversed chain under the root host'],
  apiServerEndpoint: [v1('apiServerEndpoint'), cluster('apiServerEndpoint'), 'platform-output.test.ts > a paas bundle without root host or API endpoint'],
  clusterDomain: [v1('clusterDomain'), cluster('clusterDomain'), 'platform-bundles.test.ts > fills settings into bundle values and deep-merges the user overrides'],
  'oidc.enabled': [v1('oidc.enabled'), cluster('oidc.enabled'), 'platform-bundles.test.ts > OIDC installs the keycloak components and the dashboard waits for keycloak-configure', 'tenants.test.ts > adds the four KeycloakRealmGroups when OIDC is enabled'],
  'oidc.extraRedirectUriForDashboard': [v1('oidc.extraRedirectUriForDashboard'), cluster('oidc.extraRedirectUriForDashboard')],
  'telemetry.enabled': [cluster('telemetry.enabled'), 'platform-bundles.test.ts > telemetry: false disables telemetry in cozystack-controller', 'bootstrap.test.ts > telemetry: --disable-telemetry only when telemetry.enabled is false'],
  'components.enable': [`${V1}components.enable and disable name Packages cozystack.<name>: the Package appears or goes`, `${V1}a package the release does not have is an error with a suggestion`, cluster('components.enable'), 'platform-bundles.test.ts > enabling an optional component adds exactly its release and namespace', `${S}an edge into an optional component the user enabled is kept (distro-full: postgres-operator -> victoria-metrics-operator)`],
  'components.disable': [`${V1}components.enable and disable name Packages cozystack.<name>: the Package appears or goes`, cluster('components.disable'), 'platform-bundles.test.ts > disabling a component removes its release and every edge pointing at it'],
  'components.values': [`${V1}components.values go into the Package that has the component; an unknown one is an error`, 'platform-bundles.test.ts > fills settings into bundle values and deep-merges the user overrides'],
  'components.chartPaths': ['platform-output.test.ts > chart paths can be overridden per component (0.41.11); at v1.x the PackageSources give them', V1_MISSING],
  'expose.services': [v1('expose.services'), cluster('expose.services'), 'platform-bundles.test.ts > writes the settings into the cluster values'],
  'expose.ingress': [v1('expose.ingress'), cluster('expose.ingress'), `${S}the defaults of the upstream dict: clusterissuer http01, expose-ingress tenant-root, cluster-domain cozy.local; optional keys absent`],
  'expose.externalIPs': [v1('expose.externalIPs'), cluster('expose.externalIPs'), 'platform-bundles.test.ts > writes the settings into the cluster values'],
  clusterIssuer: [cluster('clusterIssuer'), v1('clusterIssuer cloudflare'), v1('clusterIssuer http01'), `${S}the defaults of the upstream dict: clusterissuer http01, expose-ingress tenant-root, cluster-domain cozy.local; optional keys absent`],
  'network.podCidr': [V1_NETWORK, cluster('network.podCidr'), 'platform-bundles.test.ts > fills settings into bundle values and deep-merges the user overrides'],
  'network.podGateway': [V1_NETWORK, cluster('network.podGateway'), 'platform-bundles.test.ts > fills settings into bundle values and deep-merges the user overrides'],
  'network.serviceCidr': [V1_NETWORK, cluster('network.serviceCidr'), 'platform-bundles.test.ts > fills settings into bundle values and deep-merges the user overrides'],
  'network.joinCidr': [V1_NETWORK, cluster('network.joinCidr'), 'platform-bundles.test.ts > fills settings into bundle values and deep-merges the user overrides'],
  'resources.cpuAllocationRatio': [v1('resources.cpuAllocationRatio'), cluster('resources.cpuAllocationRatio'), 'platform-bundles.test.ts > cpuAllocationRatio reaches kubevirt as a number', 'tenants.test.ts > divides requests by the platform allocation ratios'],
  'resources.memoryAllocationRatio': [v1('resources.memoryAllocationRatio'), cluster('resources.memoryAllocationRatio'), 'tenants.test.ts > divides requests by the platform allocation ratios'],
  'resources.ephemeralStorageAllocationRatio': [v1('resources.ephemeralStorageAllocationRatio'), cluster('resources.ephemeralStorageAllocationRatio'), 'tenants.test.ts > divides requests by the platform allocation ratios'],
  managementKubeconfigEndpoint: [cluster('managementKubeconfigEndpoint'), V1_MISSING],
  controlPlaneNodeIPs: [V1_NETWORK, `${S}is the sha256 of the comma-joined addresses`, `${S}with no addresses, the sha256 of the empty string (what the lookup of no node gives)`],
  branding: [`${V1}branding is _cluster.branding; scheduling.globalAppTopologySpreadConstraints the cozystack-scheduling ConfigMap`, `${S}all branding data reaches _cluster.branding of the values Secrets`, `${S}the dashboard shows the brand name (customLocale.Kubeapps) and the logo (the first CSS rule)`],
  scheduling: [`${V1}branding is _cluster.branding; scheduling.globalAppTopologySpreadConstraints the cozystack-scheduling ConfigMap`, `${S}scheduling data is _cluster.scheduling (only when it has data)`],
  'source.url': ['platform-output.test.ts > at 0.41.11 a Git URL gives the GitRepositories, and the HelmRelease charts are its folders', 'platform-output.test.ts > at v1.x a Git URL is refused: the PackageSources of the platform chart read the OCIRepository cozystack-packages', 'platform-output.test.ts > takes a tag or semver ref and a secret', 'bootstrap.test.ts > platform source URL (another OCI repository: no ref unless given)'],
  'source.ref.digest': [sourceRef('OCI digest'), 'platform-output.test.ts > defaults to the upstream artifact pinned by digest, as two identical OCIRepositories'],
  'source.ref.tag': [sourceRef('OCI tag'), 'platform-output.test.ts > at 0.41.11 a Git URL gives the GitRepositories, and the HelmRelease charts are its folders', 'bootstrap.test.ts > the source follows the version (tag v<version>) unless a ref is given'],
  'source.ref.semver': [sourceRef('OCI semver'), 'platform-output.test.ts > takes a tag or semver ref and a secret'],
  'source.ref.semverFilter': [sourceRef('OCI semver with filter'), 'platform-output.test.ts > takes a tag or semver ref and a secret'],
  'source.ref.branch': ["settings.test.ts > ${setting}: the Git source ref # ['branch',"],
  'source.ref.commit': ["settings.test.ts > ${setting}: the Git source ref # ['commit',"],
  'source.ref.name': ["settings.test.ts > ${setting}: the Git source ref # ['name',"],
  'source.secretName': ['platform-output.test.ts > takes a tag or semver ref and a secret', 'bootstrap.test.ts > secret'],
  'source.interval': [`${S}sets the interval of both platform sources (default 5m)`],
  mode: ['platform-output.test.ts > emits the Packages and PackageSources of the platform chart, and no HelmRelease or ArtifactGenerator for components', V1_RENDERS, 'bootstrap.test.ts > flux mode has no operator objects and keeps both sources'],
  'helmRelease.interval': [...TUNING_FLUX, tuningOperator('interval')],
  'helmRelease.maxHistory': [...TUNING_FLUX, tuningOperator('maxHistory')],
  'helmRelease.installTimeout': [...TUNING_FLUX, tuningOperator('installTimeout')],
  'helmRelease.upgradeTimeout': [...TUNING_FLUX, tuningOperator('upgradeTimeout')],
  'helmRelease.retryInterval': [...TUNING_FLUX, tuningOperator('retryInterval')],
  version: ['bootstrap.test.ts > the cozystack-version ConfigMap: the data version of the release, no-delete, kept, created only when absent', 'bootstrap.test.ts > version: COZYSTACK_VERSION v<version>, first, before the endpoint', 'bootstrap.test.ts > the source follows the version (tag v<version>) unless a ref is given', 'releases.test.ts > are v0.41.11, v1.6.0 and v1.6.2, the newest the default'],
  migrationsTargetVersion: [v1('migrationsTargetVersion'), 'bootstrap.test.ts > a release the library does not pin is an error that lists the pinned ones; migrationsTargetVersion overrides the data version', 'releases.test.ts > settings v0.41.11 does not have are errors naming the setting, the release and what has it'],
  'operator.image': ['bootstrap.test.ts > image: the given one, else the release of version, else the v1.6.2 image pinned by digest'],
  'operator.variant': ['bootstrap.test.ts > the default variant is the installer default (talos), hosted for isp-hosted; isp-full-generic must name one', 'bootstrap.test.ts > talos: the KubePrism endpoint', 'bootstrap.test.ts > hosted: no environment'],
  'operator.apiServerHost': ['bootstrap.test.ts > generic: the given API server host and port (6443 by default)'],
  'operator.apiServerPort': ['bootstrap.test.ts > generic: the given API server host and port (6443 by default)'],
  'operator.installFlux': ['bootstrap.test.ts > installFlux'],
  deletionGuardrail: ['bootstrap.test.ts > deletionGuardrail: false leaves the policy out, not the labels'],
  variant: [`${V1}paas-hosted is variant isp-hosted; variant picks values-<variant>.yaml`, V1_RENDERS, `${V1}settings of a v1 release are errors at 0.41.11`],
  platformValues: [`${V1}go over the mapped settings and reach _cluster (gateway.enabled is _cluster.gateway-enabled)`, `${V1}a key the chart of the release does not have is an error, with the keys it has`, V1_RENDERS],
  'clusterState.kubeRootCa': [V1_RENDERS, `${V1}clusterState answers the chart's look-ups: the cluster's CA, a v0.x ConfigMap, an installed data version, ouroboros`],
  'clusterState.legacyConfig': [V1_RENDERS, `${V1}clusterState answers the chart's look-ups: the cluster's CA, a v0.x ConfigMap, an installed data version, ouroboros`],
  'clusterState.installedDataVersion': [V1_RENDERS, `${V1}clusterState answers the chart's look-ups: the cluster's CA, a v0.x ConfigMap, an installed data version, ouroboros`],
  'clusterState.ouroborosInstalled': [V1_RENDERS, `${V1}clusterState answers the chart's look-ups: the cluster's CA, a v0.x ConfigMap, an installed data version, ouroboros`],
  tenantRendering: ['tenants.test.ts > emits no Tenant HelmRelease', 'tenants.test.ts > emits one Tenant HelmRelease per tenant, in the parent namespace, and nothing of the tenant chart'],
  'rootTenant.etcd': [...ROOT_TENANT, 'apps.test.ts > an app needing a tenant service nobody in the chain runs fails, naming the service'],
  'rootTenant.ingress': ROOT_TENANT,
  'rootTenant.monitoring': ROOT_TENANT,
  'rootTenant.seaweedfs': [...ROOT_TENANT, 'apps.test.ts > an app needing a tenant service nobody in the chain runs fails, naming the service'],
  'rootTenant.isolated': ROOT_TENANT,
  'rootTenant.resourceQuotas': ROOT_TENANT,
  'credentials.handling': ['safety.test.ts > SOPS creation rules for the given keys; inline handling keeps values as given', 'safety.test.ts > they go to a Secret per app, one values document the HelmRelease reads at the root, and the chart sees the same values'],
  'credentials.sops.age': ['safety.test.ts > SOPS creation rules for the given keys; inline handling keeps values as given', 'sops-kept.test.ts > unchanged: an encrypted file is kept byte for byte, nothing is rewritten, diff shows no change', 'safety.test.ts > with SOPS keys, a Kustomization decrypts and applies secrets/ after the platform, and secrets/ is committed'],
  'credentials.sops.pgp': ['safety.test.ts > SOPS creation rules for the given keys; inline handling keeps values as given', 'safety.test.ts > a SOPS recipient that is not one is refused, naming the path and the value (it would be written into .sops.yaml)'],
  tenantsPerChart: [`${S}groups the tenants into charts of at most that many (6 tenants, 2 per chart: 3 charts beside the Platform)`, `${S}changes neither the objects nor the output files`],
  strict: ['apps.test.ts > unknown keys are warnings with a suggestion, errors under strict', 'safety.test.ts > strict makes each an error, every one of an app in one report, naming the path and never the value'],
};

/** GitOpsProps (GitOpsBootstrap, `spec.gitops`, the --git-* flags). */
export const GITOPS_PROPS: Record<string, readonly TestRef[]> = {
  url: [`${S}defaults: branch main, interval 5m, path ., no secretRef`, 'cli.test.ts > --git-url adds the Flux bootstrap objects'],
  branch: [`${S}defaults: branch main, interval 5m, path ., no secretRef`, `${S}branch, path, interval and secretName are carried over`],
  path: [`${S}defaults: branch main, interval 5m, path ., no secretRef`, `${S}branch, path, interval and secretName are carried over`, `${S}the path is a folder of the repository: ./, . and empty segments and a trailing / do not count`],
  interval: [`${S}defaults: branch main, interval 5m, path ., no secretRef`, `${S}branch, path, interval and secretName are carried over`],
  secretName: [`${S}defaults: branch main, interval 5m, path ., no secretRef`, `${S}branch, path, interval and secretName are carried over`],
};

/** InputLimits: each documented limit at its default (docs/safety.md) and as an option. */
export const INPUT_LIMITS: Record<string, readonly TestRef[]> = {
  maxFileBytes: [`${S}bytes in a file (maxFileBytes): 16 MiB by default`, 'hostile-input.test.ts > a 20 MB single string: refused by size, without reading it'],
  maxAliases: [`${S}aliases in a document (maxAliases): 100 by default (99 accepted, 101 refused by the pre-scan)`, 'hostile-input.test.ts > an alias bomb (billion laughs) is refused'],
  maxDepth: [`${S}nesting of maps and lists (maxDepth): 64 by default, in maps and in flow lists`, 'hostile-input.test.ts > flow collections nested 10,000 levels deep are refused'],
  maxFiles: [`${S}input files (maxFiles): the files past the limit are refused, once, naming the first refused`, `${S}input files: the default limit is 100,000`],
  maxNodes: [`${S}YAML nodes in a document (maxNodes): 100,000 by default`, 'hostile-input.test.ts > a flat list of 500,000 items is refused before parsing', `${S}YAML nodes after alias expansion (maxNodes): an alias counts as the whole node it names`],
  maxFileNodes: [`${S}YAML nodes in a file (maxFileNodes): a file over the limit is refused although each document is under maxNodes`, `${S}YAML nodes in a file: the default limit is 1,000,000`],
  maxDocuments: [`${S}documents in a file (maxDocuments): 100,000 by default`, 'hostile-input.test.ts > 300,000 empty documents in one file are refused'],
  maxInputNodes: [`${S}YAML nodes in the input (maxInputNodes): files each within their limits, together over, are refused once, after expansion`],
};

/** Fields of the Platform document that are not props (the others: see DOCUMENT_TO_PROPS). */
export const DOCUMENT: Record<string, readonly TestRef[]> = {
  apiVersion: [`${S}apiVersion cdk8s.cozystack.io/v1alpha1 and kind Platform make a document the Platform; metadata.name defaults to platform`],
  kind: [`${S}apiVersion cdk8s.cozystack.io/v1alpha1 and kind Platform make a document the Platform; metadata.name defaults to platform`],
  'metadata.name': [`${S}apiVersion cdk8s.cozystack.io/v1alpha1 and kind Platform make a document the Platform; metadata.name defaults to platform`, DOCUMENT_TO_PROPS],
};

/** Command-line options, by long name. */
export const CLI_OPTIONS: Record<string, readonly TestRef[]> = {
  file: ['cli.test.ts > synthesizes the example and prints a one-line summary', 'apps.test.ts > a folder of plain apps.cozystack.io manifests lands in the right tenants, in any order'],
  out: ['cli.test.ts > synthesizes the example and prints a one-line summary', 'cli.test.ts > a second run on unchanged input changes no byte'],
  mode: ['cli.test.ts > --mode operator emits Packages and no system HelmReleases'],
  strict: ['cli.test.ts > --strict turns unknown app values into errors', 'safety.test.ts > on the command line: a warning on stderr without --strict, an error with it, the password never printed'],
  'tenant-rendering': [`${S}--tenant-rendering explicit renders tenants as objects, release (the default) as HelmReleases of the tenant chart`, `${S}--tenant-rendering overrides spec.tenantRendering of the Platform document`],
  'git-url': ['cli.test.ts > --git-url adds the Flux bootstrap objects', `${S}--git-branch sets the GitRepository branch (default main), --git-path the Kustomization paths`],
  'git-branch': [`${S}--git-branch sets the GitRepository branch (default main), --git-path the Kustomization paths`, `${S}--git-branch without --git-url writes no Flux objects`],
  adopt: ['cli.test.ts > refuses a non-empty folder it did not write; --adopt writes into a GitOps repository root and keeps .git and the README byte for byte'],
  'git-path': ['cli.test.ts > --git-url adds the Flux bootstrap objects', `${S}--git-branch sets the GitRepository branch (default main), --git-path the Kustomization paths`],
  format: ['cli.test.ts > dot format', 'cli.test.ts > draws components with their edges and the tenant tree with hosts and service providers (mermaid)'],
  help: ['cli.test.ts > every command has --help; unknown commands and options are plain errors'],
  version: ['cli.test.ts > apps answers for the release: --version, else the Platform document of -f, else the default release'],
};

/**
 * The v1 platform chart (`packages/core/platform`) as data: which Packages each bundle template
 * renders, in which order, under which condition, with which variant and which computed
 * component values; the `_cluster` keys of the `cozystack-values` Secret; the fixed objects.
 * Read from the templates at v1.6.0 and v1.6.2 and written down here (no template code is
 * copied); `platform-chart.ts` interprets it. A release differs from another by its data only.
 */
import type { Values } from '../../core/values.js';

/** A condition of the chart, evaluated on the merged values (and the lookups). */
export type ChartCondition =
  | 'oidc' // authentication.oidc.enabled
  | 'proxyProtocol' // publishing.proxyProtocol
  | 'gpuOperator' // cozystack.gpu-operator enabled and not disabled
  | { readonly variant: string } // bundles.system.variant
  | { readonly listed: string }; // a name in bundles.enabledPackages (disabledPackages not consulted)

/** Component values the chart computes for one Package (see `platform-chart.ts`). */
export type ComponentsRule =
  | 'networking-talos'
  | 'networking-generic'
  | 'linstor-generic'
  | 'engine'
  | 'ouroboros'
  | 'tenant'
  | 'backupstrategy'
  | 'monitoring-agents'
  | 'kubevirt'
  | 'gpu-operator';

/** A refusal the chart checks at that point of a template. */
export type ChartCheck = 'gpu-operator-variant' | 'proxy-protocol-unclean';

export type PackageEntry =
  /** A Package (skipped when in bundles.disabledPackages); variant `default` unless given. */
  | { readonly package: string; readonly variant?: string | 'gpu-operator-variant'; readonly components?: ComponentsRule }
  /** An optional Package: only when in bundles.enabledPackages and not in disabledPackages; variant default. */
  | { readonly optional: string }
  | { readonly when: ChartCondition; readonly then: readonly PackageEntry[]; readonly else?: readonly PackageEntry[] }
  | { readonly check: ChartCheck };

/** One bundle template (`templates/bundles/<layer>.yaml`). */
export interface BundleTemplate {
  readonly template: string;
  /** The values switch of the layer (`bundles.<layer>.enabled`). */
  readonly layer: 'system' | 'iaas' | 'paas' | 'naas';
  /**
   * The system variants the layer may be enabled with: enabled with another one, the chart
   * refuses. Absent: any variant (the layer's entries then decide by variant themselves).
   */
  readonly variants?: readonly string[];
  readonly entries: readonly PackageEntry[];
}

/** What the library knows of one release's platform chart. */
export interface PlatformChartRelease {
  /** The upstream tag. */
  readonly tag: string;
  /** `name` of Chart.yaml (helm prefixes template paths with it). */
  readonly chartName: string;
  readonly bundles: readonly BundleTemplate[];
}

const pkg = (name: string, variant?: string, components?: ComponentsRule): PackageEntry => ({ package: name, ...(variant ? { variant } : {}), ...(components ? { components } : {}) });
const pkgs = (...names: string[]): PackageEntry[] => names.map((n) => pkg(`cozystack.${n}`));
const optional = (...names: string[]): PackageEntry[] => names.map((n) => ({ optional: `cozystack.${n}` }));

/** The data-plane packages isp-full and isp-full-generic share (not isp-hosted). */
const SYSTEM_COMMON = pkgs('kubeovn-webhook', 'kubeovn-plunger', 'cozy-proxy', 'multus', 'metallb', 'reloader', 'linstor-scheduler', 'snapshot-controller', 'securitygroup-controller');

const ALL_VARIANTS = ['isp-full', 'isp-full-generic', 'isp-hosted'];
const FULL_VARIANTS = ['isp-full', 'isp-full-generic'];

const SYSTEM: BundleTemplate = {
  template: 'templates/bundles/system.yaml',
  layer: 'system',
  entries: [
    {
      when: { variant: 'isp-full' },
      then: [
        pkg('cozystack.networking', 'kubeovn-cilium', 'networking-talos'),
        ...SYSTEM_COMMON,
        pkg('cozystack.linstor'),
        pkg('cozystack.cozystack-scheduler', 'linstor'),
      ],
    },
    { when: { variant: 'isp-hosted' }, then: [pkg('cozystack.networking', 'noop'), pkg('cozystack.cozystack-scheduler')] },
    {
      when: { variant: 'isp-full-generic' },
      then: [
        pkg('cozystack.networking', 'kubeovn-cilium-generic', 'networking-generic'),
        ...SYSTEM_COMMON,
        pkg('cozystack.linstor', 'default', 'linstor-generic'),
        pkg('cozystack.cozystack-scheduler', 'linstor'),
      ],
    },
    {
      when: 'oidc',
      then: [pkg('cozystack.cozystack-engine', 'oidc', 'engine'), ...pkgs('keycloak', 'keycloak-operator')],
      else: [pkg('cozystack.cozystack-engine', 'default', 'engine')],
    },
    ...pkgs('gateway-api-crds', 'cert-manager'),
    { check: 'proxy-protocol-unclean' },
    { when: 'proxyProtocol', then: [pkg('cozystack.ouroboros', 'default', 'ouroboros')] },
    ...pkgs('flux-plunger', 'flux-shard-operator', 'victoria-metrics-operator'),
    pkg('cozystack.tenant-application', 'default', 'tenant'),
    ...pkgs('ingress-application', 'gateway-application', 'seaweedfs-application', 'info-application'),
    { when: 'oidc', then: [pkg('cozystack.monitoring-application', 'oidc')], else: [pkg('cozystack.monitoring-application')] },
    ...pkgs('etcd-application', 'cozystack-basics'),
    pkg('cozystack.backupstrategy-controller', 'default', 'backupstrategy'),
    ...pkgs('backup-controller', 'velero', 'vertical-pod-autoscaler', 'metrics-server'),
    pkg('cozystack.monitoring-agents', 'default', 'monitoring-agents'),
    ...pkgs('goldpinger', 'prometheus-operator-crds', 'grafana-operator', 'etcd-operator', 'postgres-operator', 'objectstorage-controller'),
    ...optional('nfs-driver', 'telepresence', 'external-dns', 'external-dns-application', 'kuberture', 'external-secrets-operator', 'linstor-gui'),
    { when: { listed: 'cozystack.bootbox' }, then: pkgs('bootbox-application', 'bootbox') },
    ...optional('hetzner-robotlb'),
  ],
};

const IAAS_APPS_V1_6_0 = ['kubernetes-application', 'kubernetes-nodes-application', 'virtualprivatecloud-application', 'vm-disk-application', 'vm-instance-application'];

function iaas(kubevirtApps: readonly string[]): BundleTemplate {
  return {
    template: 'templates/bundles/iaas.yaml',
    layer: 'iaas',
    variants: FULL_VARIANTS,
    entries: [
      { check: 'gpu-operator-variant' },
      pkg('cozystack.kubevirt', 'default', 'kubevirt'),
      pkg('cozystack.kubevirt-cdi'),
      ...optional('vm-default-images'),
      { when: 'gpuOperator', then: [{ package: 'cozystack.gpu-operator', variant: 'gpu-operator-variant', components: 'gpu-operator' }] },
      ...optional('hami'),
      ...pkgs('kamaji', 'capi-operator', 'capi-provider-bootstrap-kubeadm', 'capi-provider-core', 'capi-provider-cp-kamaji', 'capi-provider-infra-kubevirt', 'bucket-application'),
      ...kubevirtApps.map((a) => pkg(`cozystack.${a}`, 'kubevirt')),
    ],
  };
}

const PAAS: BundleTemplate = {
  template: 'templates/bundles/paas.yaml',
  layer: 'paas',
  variants: ALL_VARIANTS,
  entries: pkgs(
    'mariadb-operator', 'kafka-operator', 'clickhouse-operator', 'foundationdb-operator', 'rabbitmq-operator', 'redis-operator', 'mongodb-operator', 'opensearch-operator',
    'clickhouse-application', 'foundationdb-application', 'harbor-application', 'kafka-application', 'mariadb-application', 'mongodb-application', 'nats-application',
    'openbao-application', 'opensearch-application', 'postgres-application', 'qdrant-application', 'rabbitmq-application', 'redis-application',
  ),
};

const NAAS: BundleTemplate = {
  template: 'templates/bundles/naas.yaml',
  layer: 'naas',
  variants: ALL_VARIANTS,
  entries: pkgs('http-cache-application', 'tcp-balancer-application', 'vpn-application'),
};

/** The platform chart of each pinned v1 release. */
export const PLATFORM_CHART_RELEASES: Readonly<Record<'v1.6.0' | 'v1.6.2', PlatformChartRelease>> = {
  'v1.6.0': { tag: 'v1.6.0', chartName: 'cozy-platform', bundles: [SYSTEM, iaas(IAAS_APPS_V1_6_0), PAAS, NAAS] },
  // v1.6.2: the iaas bundle no longer renders cozystack.kubernetes-nodes-application.
  'v1.6.2': { tag: 'v1.6.2', chartName: 'cozy-platform', bundles: [SYSTEM, iaas(IAAS_APPS_V1_6_0.filter((a) => a !== 'kubernetes-nodes-application')), PAAS, NAAS] },
};

// ------------------------------------------------------------------------------------ _cluster

/** How one `_cluster` key of the values Secret is computed. */
export type ClusterKey =
  /**
   * A value at a path of the values, quoted; `fallback` as sprig's `default`; `join` for a list;
   * `index`: read through `index` (no keys), which refuses nil.
   */
  | { readonly key: string; readonly path: readonly string[]; readonly fallback?: string | boolean | readonly string[]; readonly join?: string; readonly index?: true }
  /** A value the chart computes (see platform-chart.ts). */
  | { readonly key: string; readonly computed: 'root-host' | 'wildcard-secret-name' | 'wildcard-issue' | 'monitoring-enabled' | 'kube-root-ca' }
  /** The dns01-* keys, one group per provider block present under publishing.certificates.dns01. */
  | { readonly dns01: true }
  /** A map written as YAML under the key, when it is not empty. */
  | { readonly key: string; readonly yaml: readonly string[] };

/** The `_cluster` keys in the order the Secret lists them. */
export const CLUSTER_KEYS: readonly ClusterKey[] = [
  { key: 'root-host', computed: 'root-host' },
  { key: 'bundle-name', path: ['bundles', 'system', 'variant'] },
  { key: 'solver', path: ['publishing', 'certificates', 'solver'] },
  { key: 'issuer-name', path: ['publishing', 'certificates', 'issuerName'] },
  { key: 'wildcard-secret-name', computed: 'wildcard-secret-name' },
  { key: 'wildcard-issue', computed: 'wildcard-issue' },
  { dns01: true },
  { key: 'oidc-enabled', path: ['authentication', 'oidc', 'enabled'] },
  { key: 'oidc-insecure-skip-verify', path: ['authentication', 'oidc', 'insecureSkipVerify'] },
  { key: 'extra-keycloak-redirect-uri-for-dashboard', path: ['authentication', 'oidc', 'keycloakExtraRedirectUri'], index: true },
  { key: 'keycloak-internal-url', path: ['authentication', 'oidc', 'keycloakInternalUrl'] },
  { key: 'expose-services', path: ['publishing', 'exposedServices'], join: ',' },
  { key: 'expose-ingress', path: ['publishing', 'ingressName'] },
  { key: 'expose-ingress-admin', path: ['publishing', 'ingressNameAdmin'], fallback: '' },
  { key: 'expose-external-ips', path: ['publishing', 'externalIPs'], join: ',' },
  { key: 'load-balancer-class', path: ['publishing', 'loadBalancerClass'], fallback: '' },
  { key: 'proxy-protocol', path: ['publishing', 'proxyProtocol'], fallback: false },
  { key: 'gateway-enabled', path: ['gateway', 'enabled'], fallback: false },
  { key: 'gateway-attached-namespaces', path: ['gateway', 'attachedNamespaces'], fallback: [], join: ',' },
  { key: 'monitoring-enabled', computed: 'monitoring-enabled' },
  { key: 'cluster-domain', path: ['networking', 'clusterDomain'] },
  { key: 'api-server-endpoint', path: ['publishing', 'apiServerEndpoint'] },
  { key: 'branding', yaml: ['branding'] },
  { key: 'cpu-allocation-ratio', path: ['resources', 'cpuAllocationRatio'] },
  { key: 'memory-allocation-ratio', path: ['resources', 'memoryAllocationRatio'] },
  { key: 'ephemeral-storage-allocation-ratio', path: ['resources', 'ephemeralStorageAllocationRatio'] },
  { key: 'scheduling', yaml: ['scheduling'] },
  { key: 'kube-root-ca', computed: 'kube-root-ca' },
];

/** A dns01 provider block: each key with its field and the value used when the field is empty. */
export interface Dns01Provider {
  readonly provider: string;
  readonly keys: readonly { readonly key: string; readonly field: string; readonly fallback: string }[];
}

/** The provider written when `dns01.provider` is empty. */
export const DNS01_DEFAULT_PROVIDER = 'cloudflare';

export const DNS01_PROVIDERS: readonly Dns01Provider[] = [
  {
    provider: 'cloudflare',
    keys: [
      { key: 'secret-name', field: 'secretName', fallback: 'cloudflare-api-token-secret' },
      { key: 'secret-key', field: 'secretKey', fallback: 'api-token' },
    ],
  },
  {
    provider: 'route53',
    keys: [
      { key: 'region', field: 'region', fallback: '' },
      { key: 'access-key-id', field: 'accessKeyID', fallback: '' },
      { key: 'secret-name', field: 'secretName', fallback: '' },
      { key: 'secret-key', field: 'secretKey', fallback: 'secret-access-key' },
    ],
  },
  {
    provider: 'digitalocean',
    keys: [
      { key: 'secret-name', field: 'secretName', fallback: 'digitalocean-api-token-secret' },
      { key: 'secret-key', field: 'secretKey', fallback: 'access-token' },
    ],
  },
  {
    provider: 'rfc2136',
    keys: [
      { key: 'nameserver', field: 'nameserver', fallback: '' },
      { key: 'tsig-key-name', field: 'tsigKeyName', fallback: '' },
      { key: 'tsig-algorithm', field: 'tsigAlgorithm', fallback: 'HMACSHA256' },
      { key: 'secret-name', field: 'secretName', fallback: '' },
      { key: 'secret-key', field: 'secretKey', fallback: 'tsig-secret-key' },
    ],
  },
];

// ------------------------------------------------------------------------------------ constants

/** Names and labels the chart's objects carry. */
export const PLATFORM_NAMES = {
  valuesSecret: 'cozystack-values',
  versionConfigMap: 'cozystack-version',
  schedulingConfigMap: 'cozystack-scheduling',
  registriesSecret: 'patch-containerd',
  packagesSource: 'cozystack-packages',
  guardrail: 'cozystack-no-delete-guardrail',
  migrationHook: 'cozystack-migration-hook',
  /** The Secret the platform issues its own wildcard certificate into (dns01 + wildcard, no Gateway). */
  wildcardSecret: 'cozystack-wildcard-tls',
  /** Namespace of the values Secret, the scheduling ConfigMap, the registries Secret (fixed, not the release's). */
  systemNamespace: 'cozy-system',
  noDeleteLabel: 'platform.cozystack.io/no-delete',
  keepAnnotation: 'helm.sh/resource-policy',
  /** The API version the guardrail needs among the cluster's capabilities. */
  guardrailApiVersion: 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
} as const;

/** The guardrail's validation message (the text of the rendered policy). */
export const GUARDRAIL_MESSAGE =
  'Deletion blocked: object carries platform.cozystack.io/no-delete=true. To bypass, first remove the label: kubectl label <kind> <name> --namespace <ns> platform.cozystack.io/no-delete- (omit --namespace for cluster-scoped resources)';

/** Component values the chart sets as constants. */
export const FIXED_COMPONENT_VALUES = {
  /** isp-full (Talos): cilium reaches the API through KubePrism, cgroups are not auto-mounted. */
  ciliumTalos: { k8sServiceHost: 'localhost', k8sServicePort: '7445', autoMount: false },
  /** isp-full-generic: cilium reaches the API at apiServerEndpoint (port 6443 when none is given). */
  ciliumGenericDefaultPort: '6443',
  kubeovnGenericMasterNodesLabel: 'node-role.kubernetes.io/control-plane=true',
  /** isp-full-generic: DaemonSets select control-plane nodes by this label value. */
  genericControlPlaneSelector: { 'node-role.kubernetes.io/control-plane': 'true' },
  monitoringAgentsTarget: 'tenant-root',
  /** The host ingress namespace when publishing.ingressName is empty. */
  defaultIngressNamespace: 'tenant-root',
  ingressServiceSuffix: '-ingress-controller',
  tenantPrefix: 'tenant-',
  gpuHostDevicesGate: 'HostDevices',
  gpuVariants: ['default', 'vgpu'],
  vgpuManagerDefaultImage: 'vgpu-manager',
} as const;

/** A v1 guardrail binding's fixed content. @internal */
export const GUARDRAIL_SPECS: { readonly policy: Values; readonly binding: Values } = {
  policy: {
    matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['DELETE'], resources: ['*/*'], scope: '*' }] },
    validations: [{ expression: 'false', message: GUARDRAIL_MESSAGE }],
  },
  binding: {
    policyName: 'cozystack-no-delete-guardrail',
    validationActions: ['Deny'],
    matchResources: { objectSelector: { matchLabels: { 'platform.cozystack.io/no-delete': 'true' } } },
  },
};

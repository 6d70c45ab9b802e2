/**
 * The settings combinations that `scripts/record-renders.ts` renders the upstream v1 platform
 * chart (`packages/core/platform`) with. Each case is the values of the platform Package
 * (`cozystack.cozystack-platform`, `spec.components.platform.values`) for one system variant.
 *
 * The list is fixed: a case is added here, never by hand in releases/. A case the chart refuses
 * (a `fail` or a template error) is recorded as `error.txt` with helm's message; which cases do
 * is helm's answer, not this file's.
 */

/** The system variants of the v1 platform chart (`values-<variant>.yaml`). */
export const PLATFORM_VARIANTS = ['isp-full', 'isp-hosted', 'isp-full-generic'] as const;
export type PlatformVariant = (typeof PLATFORM_VARIANTS)[number];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Values = { [key: string]: Json };

/**
 * What a chart `lookup` answers in a case (the names of the library's `PlatformChartLookups`).
 * Offline every lookup is nil; a case that gives an answer is rendered from a copy of the chart
 * where that `lookup` call is replaced by the answer (see scripts/record-renders.ts).
 */
export type LookupName = 'kubeRootCa' | 'cozystackConfigMap' | 'versionConfigMap' | 'ouroborosPackage' | 'platformSource';

export interface PlatformCase {
  /** Folder name under releases/<tag>/renders/: `<variant>.<name>`. */
  readonly id: string;
  readonly variant: PlatformVariant;
  readonly name: string;
  /** What the case exercises (one line, for the README). */
  readonly description: string;
  /** The Package values. */
  readonly values: Values;
  /** Answers of the chart's lookups (absent: nil). */
  readonly lookups?: Partial<Record<LookupName, Values>>;
  /** Keep templates/repository.yaml (removed otherwise, unless the platformSource lookup is answered). */
  readonly keepRepository?: boolean;
}

/** Every case starts from a host and an API server endpoint, as an install has. */
const BASE_PUBLISHING = { host: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' };

function withBase(values: Values): Values {
  const publishing = (values.publishing ?? {}) as Values;
  return { ...values, publishing: { ...BASE_PUBLISHING, ...publishing } };
}

interface CaseTemplate {
  readonly name: string;
  readonly description: string;
  readonly values: (variant: PlatformVariant) => Values;
  readonly lookups?: Partial<Record<LookupName, Values>>;
  readonly keepRepository?: boolean;
}

const PLATFORM_SOURCE: Values = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'OCIRepository',
  metadata: { name: 'cozystack-platform', namespace: 'cozy-system' },
  spec: { interval: '5m0s', url: 'oci://ghcr.io/cozystack/cozystack/cozystack-packages', ref: { digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' }, layerSelector: { mediaType: 'application/vnd.cozystack.packages.v1.tar+gzip', operation: 'copy' } },
  status: { ready: true },
};

const TEMPLATES: readonly CaseTemplate[] = [
  {
    name: 'defaults',
    description: 'only a host and apiServerEndpoint',
    values: () => ({}),
  },
  {
    name: 'oidc',
    description: 'authentication.oidc enabled (keycloak packages, oidc variants), skip-verify and an extra redirect URI',
    values: () => ({
      authentication: { oidc: { enabled: true, insecureSkipVerify: true, keycloakExtraRedirectUri: 'https://dash.example.org/*' } },
    }),
  },
  {
    name: 'dns01-cloudflare',
    description: 'certificates.solver dns01 with the cloudflare provider and its own Secret name/key, issuer letsencrypt-stage',
    values: () => ({
      publishing: {
        certificates: {
          solver: 'dns01',
          issuerName: 'letsencrypt-stage',
          dns01: { provider: 'cloudflare', cloudflare: { secretName: 'cf-token', secretKey: 'token' } },
        },
      },
    }),
  },
  {
    name: 'dns01-route53',
    description: 'dns01 with route53 (region, access key id, Secret) and the shared wildcard (wildcard: true)',
    values: () => ({
      publishing: {
        certificates: {
          solver: 'dns01',
          wildcard: true,
          dns01: { provider: 'route53', route53: { region: 'eu-west-1', accessKeyID: 'AKIAEXAMPLE', secretName: 'route53-credentials' } },
        },
      },
    }),
  },
  {
    name: 'dns01-rfc2136-only',
    description: 'dns01 with rfc2136; the other provider blocks set to null (Helm deletes them) and rfc2136 partly empty',
    values: () => ({
      publishing: {
        certificates: {
          solver: 'dns01',
          dns01: {
            provider: 'rfc2136',
            cloudflare: null,
            route53: null,
            digitalocean: null,
            rfc2136: { nameserver: '192.0.2.53:53', tsigKeyName: 'cozy', tsigAlgorithm: '', secretName: 'tsig' },
          },
        },
      },
    }),
  },
  {
    name: 'disabled-packages',
    description: 'bundles.disabledPackages: a system, a paas, a naas and an iaas package',
    values: () => ({
      bundles: {
        disabledPackages: ['cozystack.metallb', 'cozystack.velero', 'cozystack.postgres-application', 'cozystack.vpn-application', 'cozystack.kamaji'],
      },
    }),
  },
  {
    name: 'optional-packages',
    description: 'bundles.enabledPackages: optional system and iaas packages, bootbox (two Packages), one also disabled',
    values: () => ({
      bundles: {
        enabledPackages: [
          'cozystack.nfs-driver',
          'cozystack.external-dns',
          'cozystack.external-dns-application',
          'cozystack.linstor-gui',
          'cozystack.bootbox',
          'cozystack.vm-default-images',
          'cozystack.hami',
          'cozystack.hetzner-robotlb',
          'cozystack.telepresence',
        ],
        disabledPackages: ['cozystack.telepresence'],
      },
    }),
  },
  {
    name: 'exposure',
    description: 'custom domain and exposure: host, ingressName, ingressNameAdmin, exposedServices, externalIPs, loadBalancerClass, BYO wildcard Secret',
    values: () => ({
      publishing: {
        host: 'cozy.example.net',
        apiServerEndpoint: 'https://k8s.example.net:443',
        ingressName: 'tenant-edge',
        ingressNameAdmin: 'tenant-private',
        exposedServices: ['api', 'dashboard', 'keycloak', 'grafana'],
        externalIPs: ['192.0.2.10', '192.0.2.11'],
        loadBalancerClass: 'metallb.io/metallb',
        certificates: { wildcardSecretName: 'star-example-net', solver: 'dns01', wildcard: true },
      },
    }),
  },
  {
    name: 'gateway',
    description: 'gateway.enabled with its own attachedNamespaces; dns01 + wildcard (not issued on the Gateway path)',
    values: () => ({
      gateway: { enabled: true, attachedNamespaces: ['cozy-system', 'cozy-dashboard', 'default'] },
      publishing: { certificates: { solver: 'dns01', wildcard: true } },
    }),
  },
  {
    name: 'proxy-protocol',
    description: 'publishing.proxyProtocol (the ouroboros Package aimed at the host ingress) with a custom ingressName',
    values: () => ({ publishing: { proxyProtocol: true, ingressName: 'tenant-edge' } }),
  },
  {
    name: 'networking',
    description: 'networking changed: cluster domain, CIDRs, MASTER_NODES; an API endpoint without a port',
    values: () => ({
      publishing: { apiServerEndpoint: 'https://10.0.0.10' },
      networking: {
        clusterDomain: 'cluster.local',
        podCIDR: '10.10.0.0/16',
        podGateway: '10.10.0.1',
        serviceCIDR: '10.20.0.0/16',
        joinCIDR: '100.65.0.0/16',
        kubeovn: { MASTER_NODES: '10.0.0.1,10.0.0.2,10.0.0.3' },
      },
    }),
  },
  {
    name: 'layers-off',
    description: 'the iaas, paas and naas layers off (system only)',
    values: () => ({ bundles: { iaas: { enabled: false }, paas: { enabled: false }, naas: { enabled: false } } }),
  },
  {
    name: 'system-on',
    description: 'bundles.system.enabled true (off by default for isp-hosted)',
    values: () => ({ bundles: { system: { enabled: true } } }),
  },
  {
    name: 'gpu-passthrough',
    description: 'cozystack.gpu-operator enabled, default variant: KubeVirt HostDevices and the NVIDIA PCI table plus a user device',
    values: () => ({
      bundles: { enabledPackages: ['cozystack.gpu-operator'] },
      gpu: {
        permittedHostDevices: {
          pciHostDevices: [{ pciVendorSelector: '1002:74A1', resourceName: 'amd.com/MI300X', externalResourceProvider: true }],
        },
      },
    }),
  },
  {
    name: 'gpu-vgpu',
    description: 'gpu-operator vgpu variant: device manager on (mdev defaults), vgpuManager image, mediatedDevicesConfiguration, cpuAllocationRatio 4',
    values: () => ({
      bundles: { enabledPackages: ['cozystack.gpu-operator'], iaas: { gpuOperatorVariant: 'vgpu' } },
      resources: { cpuAllocationRatio: 4 },
      gpu: {
        vgpuManager: { repository: 'registry.example.org/nvidia', version: '550.90.05', imagePullSecrets: [{ name: 'regcred' }] },
        vgpuDeviceManager: { enabled: true },
        mediatedDevicesConfiguration: { mediatedDeviceTypes: ['nvidia-740'] },
      },
    }),
  },
  {
    name: 'values-misc',
    description: 'branding, scheduling (topology spread: the cozystack-scheduling ConfigMap), ratios, monitoring.rootEnabled false, backupStorage, keycloakInternalUrl empty',
    values: () => ({
      branding: { brandName: 'Acme Platform', brandHtmlName: '<b>Acme</b> Platform', loginTheme: 'acme' },
      scheduling: {
        globalAppTopologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
        ],
      },
      resources: { cpuAllocationRatio: 8, memoryAllocationRatio: 1.5, ephemeralStorageAllocationRatio: 20 },
      monitoring: { rootEnabled: false },
      backupStorage: { endpoint: 'https://s3.example.org', region: 'us-east-1', forcePathStyle: true },
      authentication: { oidc: { keycloakInternalUrl: '' } },
    }),
  },
  {
    name: 'registries',
    description: 'registries.mirrors with config for one endpoint (TLS skip, auth) and none for another: the patch-containerd Secret',
    values: () => ({
      registries: {
        mirrors: {
          'docker.io': { endpoints: ['http://10.0.0.1:8082', 'http://10.0.0.1:8092'] },
          'ghcr.io': { endpoints: ['http://10.0.0.1:8083'] },
          'quay.io': { endpoints: [] },
        },
        config: {
          'http://10.0.0.1:8082': { tls: { insecureSkipVerify: true }, auth: { username: 'puller', password: 's3cret' } },
          'http://10.0.0.1:8083': { tls: { insecureSkipVerify: false } },
        },
      },
    }),
  },
  // Edge cases of how the chart prints values (quoting, numbers, nulls), for the model's fidelity.
  {
    name: 'yaml-quoting',
    description: 'branding keys whose YAML needs quotes, odd key order, a multi-line string, nulls, numbers, unicode',
    values: () => ({
      branding: {
        brandName: 'yes',
        brandHtmlName: '<b>Acme</b>: Platform',
        loginTheme: '123',
        loginThemeImage: ' registry.example.org/theme:v1',
        motd: 'line one\nline two\n',
        note: 'a #b',
        '10key': 'x',
        key2: 'two',
        key10: 'ten',
        Upper: 'U',
        _under: 'u',
        empty: '',
        nothing: null,
        flag: true,
        ratio: 1.5,
        big: 1000000,
        none: [],
        blank: {},
        unicode: 'Acmé ✓',
        tab: 'a\tb',
        quotes: 'it\'s "q"',
        list: ['a', 'on', { k: 'v' }],
      },
    }),
  },
  {
    name: 'numbers',
    description: 'allocation ratios as a decimal, a million and a tiny number (printed as Go prints float64)',
    values: () => ({ resources: { cpuAllocationRatio: 4.7, memoryAllocationRatio: 1000000, ephemeralStorageAllocationRatio: 0.00001 } }),
  },
  {
    name: 'nulls',
    description: 'null for chart keys (Helm deletes them): branding, monitoring, backupStorage, some publishing/oidc/gateway keys; empty lists',
    values: () => ({
      branding: null,
      monitoring: null,
      backupStorage: null,
      authentication: { oidc: { keycloakInternalUrl: null } },
      publishing: { exposedServices: [], externalIPs: null, ingressNameAdmin: null, loadBalancerClass: null },
      gateway: { attachedNamespaces: null },
      networking: { kubeovn: { MASTER_NODES: null } },
    }),
  },
  {
    name: 'dns01-null',
    description: 'publishing.certificates.dns01 null (no dns01-* keys) and an empty provider elsewhere not set',
    values: () => ({ publishing: { certificates: { dns01: null } } }),
  },
  {
    name: 'dns01-empty-provider',
    description: 'dns01.provider empty (cloudflare by default) and empty provider fields (their defaults)',
    values: () => ({ publishing: { certificates: { solver: 'dns01', dns01: { provider: '', cloudflare: { secretName: '' }, digitalocean: { secretKey: '' } } } } }),
  },
  {
    name: 'endpoint-no-scheme',
    description: 'apiServerEndpoint without a scheme (api.example.org:6443)',
    values: () => ({ publishing: { apiServerEndpoint: 'api.example.org:6443' } }),
  },
  {
    name: 'endpoint-empty',
    description: 'apiServerEndpoint empty',
    values: () => ({ publishing: { apiServerEndpoint: '' } }),
  },
  {
    name: 'gpu-replace',
    description: 'gpu-operator with gpu.replaceDefaults (only the user PCI list) and user mediated devices (ignored in the default variant)',
    values: () => ({
      bundles: { enabledPackages: ['cozystack.gpu-operator'] },
      gpu: {
        replaceDefaults: true,
        permittedHostDevices: {
          pciHostDevices: [{ pciVendorSelector: '10DE:2330', resourceName: 'nvidia.com/H100', externalResourceProvider: true }],
          mediatedDevices: [{ mdevNameSelector: 'NVIDIA A10-24Q', resourceName: 'nvidia.com/A10-24Q' }],
        },
      },
    }),
  },
  {
    name: 'gpu-null',
    description: 'gpu-operator enabled, vgpu variant, gpu: null (the nil-safe walks) and no device manager',
    values: () => ({ bundles: { enabledPackages: ['cozystack.gpu-operator'], iaas: { gpuOperatorVariant: 'vgpu' } }, gpu: null }),
  },
  {
    name: 'gpu-disabled',
    description: 'gpu-operator both enabled and disabled (no Package, no KubeVirt wiring)',
    values: () => ({ bundles: { enabledPackages: ['cozystack.gpu-operator'], disabledPackages: ['cozystack.gpu-operator'] } }),
  },
  {
    name: 'registries-empty',
    description: 'registries.mirrors whose only mirror has no endpoints (a Secret with no data)',
    values: () => ({ registries: { mirrors: { 'docker.io': { endpoints: [] } }, config: {} } }),
  },
  {
    name: 'oidc-string',
    description: 'authentication.oidc.enabled given as the string "true"',
    values: () => ({ authentication: { oidc: { enabled: 'true' } } }),
  },
  {
    name: 'redirect-uri-null',
    description: 'authentication.oidc.keycloakExtraRedirectUri: null',
    values: () => ({ authentication: { oidc: { keycloakExtraRedirectUri: null } } }),
  },
  {
    name: 'scheduling-null',
    description: 'scheduling: null',
    values: () => ({ scheduling: null }),
  },
  {
    name: 'kubeovn-null',
    description: 'networking.kubeovn: null',
    values: () => ({ networking: { kubeovn: null } }),
  },
  // The chart's lookups answered (a copy of the chart with the lookup call replaced by the answer).
  {
    name: 'lookup-upgrade',
    description: 'an upgrade: cozystack-version at 50 (no version ConfigMap, the migration hook), kube-root-ca.crt, the platform source (cozystack-packages)',
    values: () => ({ migrations: { etcdAdoptSkipBackup: 'Yes' } }),
    lookups: {
      versionConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cozystack-version', namespace: 'cozy-system' }, data: { version: '50' } },
      kubeRootCa: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'kube-system' }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } },
      platformSource: PLATFORM_SOURCE,
    },
  },
  {
    name: 'lookup-at-target',
    description: 'cozystack-version already at the target (no hook, no version ConfigMap)',
    values: () => ({}),
    lookups: { versionConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cozystack-version' }, data: { version: '54' } } },
  },
  {
    name: 'lookup-legacy-configmap',
    description: 'the v0.x cozy-system/cozystack ConfigMap: root-host, api-server-endpoint and ipv4 CIDRs win over values',
    values: () => ({}),
    lookups: {
      cozystackConfigMap: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cozystack', namespace: 'cozy-system' },
        data: { 'root-host': 'legacy.example.com', 'api-server-endpoint': 'https://192.0.2.1:7443', 'ipv4-pod-cidr': '10.200.0.0/16', 'ipv4-svc-cidr': '10.201.0.0/16' },
      },
    },
  },
  {
    name: 'lookup-ouroboros-unclean',
    description: 'proxyProtocol off while the cozystack.ouroboros Package exists',
    values: () => ({}),
    lookups: { ouroborosPackage: { apiVersion: 'cozystack.io/v1alpha1', kind: 'Package', metadata: { name: 'cozystack.ouroboros' }, spec: { variant: 'default' } } },
  },
  {
    name: 'lookup-ouroboros-acknowledged',
    description: 'the same, with publishing.proxyProtocolAcknowledgeUnclean',
    values: () => ({ publishing: { proxyProtocolAcknowledgeUnclean: true } }),
    lookups: { ouroborosPackage: { apiVersion: 'cozystack.io/v1alpha1', kind: 'Package', metadata: { name: 'cozystack.ouroboros' }, spec: { variant: 'default' } } },
  },
  {
    name: 'unmodified-chart',
    description: 'the chart as released, templates/repository.yaml kept: offline its lookup finds no platform source',
    values: () => ({}),
    keepRepository: true,
  },
  // Combinations the chart may refuse: helm decides, the recording keeps its message.
  {
    name: 'iaas-on',
    description: 'bundles.iaas.enabled true (refused unless the variant is isp-full or isp-full-generic)',
    values: () => ({ bundles: { iaas: { enabled: true } } }),
  },
  {
    name: 'bad-gpu-variant',
    description: 'bundles.iaas.gpuOperatorVariant "passthrough" (refused when the iaas layer renders)',
    values: () => ({ bundles: { iaas: { gpuOperatorVariant: 'passthrough' } } }),
  },
  {
    name: 'unknown-variant',
    description: 'bundles.system.variant "distro-full" with the layers of the values file (the first failing template wins)',
    values: () => ({ bundles: { system: { variant: 'distro-full' } } }),
  },
  {
    name: 'registries-no-config',
    description: 'registries.mirrors without registries.config',
    values: () => ({ registries: { mirrors: { 'docker.io': { endpoints: ['http://10.0.0.1:8082'] } } } }),
  },
];

/** Every case, variant by variant, in a fixed order. */
export const PLATFORM_CASES: readonly PlatformCase[] = PLATFORM_VARIANTS.flatMap((variant) =>
  TEMPLATES.map((t) => ({
    id: `${variant}.${t.name}`,
    variant,
    name: t.name,
    description: t.description,
    values: withBase(t.values(variant)),
    ...(t.lookups ? { lookups: t.lookups } : {}),
    ...(t.keepRepository ? { keepRepository: true } : {}),
  })),
);

import type { Bundle } from './bundle.js';
import type { JsonValue, Values } from '../core/values.js';
import type { PlatformSourceProps } from './source.js';

/** How the platform is delivered. */
export type PlatformMode = 'flux' | 'operator';

/** How tenants other than the root are rendered. */
export type TenantRendering = 'release' | 'explicit';

/** Services the platform can expose through the root ingress. */
export type ExposedService = 'api' | 'dashboard' | 'cdi-uploadproxy' | 'vm-exportproxy';

/** OIDC (Keycloak) settings. */
export interface OidcProps {
  /**
   * Install Keycloak and let users log in through OIDC.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * An extra redirect URI allowed for the dashboard's Keycloak client.
   * @default - none
   */
  readonly extraRedirectUriForDashboard?: string;
}

/** Telemetry settings. */
export interface TelemetryProps {
  /**
   * Send anonymous usage data upstream. `false` disables it in cozystack-controller.
   * @default - not set (upstream default: enabled)
   */
  readonly enabled?: boolean;
}

/** Which components to install and how. */
export interface ComponentsProps {
  /**
   * Names of optional components to install.
   * @default []
   */
  readonly enable?: readonly string[];
  /**
   * Names of components not to install. Edges of other components that point at them are dropped.
   * @default []
   */
  readonly disable?: readonly string[];
  /**
   * Values per component name, deep-merged over the bundle's values (upstream `values-<name>`).
   * @default {}
   */
  readonly values?: Readonly<Record<string, Values>>;
  /**
   * Chart folder per component name inside the platform artifact, replacing the bundle's.
   * @default {}
   */
  readonly chartPaths?: Readonly<Record<string, string>>;
}

/** What the platform exposes to the outside. */
export interface ExposeProps {
  /**
   * Services published as Ingresses under the root host.
   * @default []
   */
  readonly services?: readonly ExposedService[];
  /**
   * Tenant namespace whose ingress class publishes them.
   * @default 'tenant-root'
   */
  readonly ingress?: string;
  /**
   * External IPs of that ingress; without them it is a LoadBalancer Service.
   * @default []
   */
  readonly externalIPs?: readonly string[];
}

/** Cluster network ranges (read by kube-ovn and cilium values). */
export interface NetworkProps {
  /** Pod CIDR. @default - none */
  readonly podCidr?: string;
  /** Pod gateway. @default - none */
  readonly podGateway?: string;
  /** Service CIDR. @default - none */
  readonly serviceCidr?: string;
  /** Join CIDR of kube-ovn. @default - none */
  readonly joinCidr?: string;
}

/** Over-commit ratios for tenant workloads. */
export interface ResourceRatioProps {
  /** CPU allocation ratio (limit / request). @default - not set (charts use 10) */
  readonly cpuAllocationRatio?: number;
  /** Memory allocation ratio. @default 1 */
  readonly memoryAllocationRatio?: number;
  /** Ephemeral storage allocation ratio. @default 40 */
  readonly ephemeralStorageAllocationRatio?: number;
}

/** Tuning of the HelmReleases of system components (the upstream operator's flags). */
export interface HelmReleaseTuningProps {
  /** Reconcile interval. @default '5m' */
  readonly interval?: string;
  /** Helm history kept. @default 5 */
  readonly maxHistory?: number;
  /** Install timeout. @default '10m' */
  readonly installTimeout?: string;
  /** Upgrade timeout. @default '10m' */
  readonly upgradeTimeout?: string;
  /** Retry interval of the RetryOnFailure strategy. @default '30s' */
  readonly retryInterval?: string;
}

/**
 * Where the cozystack-operator runs, which decides how it reaches the API server before the
 * cluster network is up (the upstream installer's `cozystackOperator.variant`).
 */
export type OperatorVariant = 'talos' | 'generic' | 'hosted';

/** The cozystack-operator of operator mode: what the upstream installer chart deploys. */
export interface OperatorProps {
  /**
   * Operator image.
   * @default - `ghcr.io/cozystack/cozystack/cozystack-operator:v<version>` when `version` is set, otherwise the upstream v1.6.0 image pinned by digest
   */
  readonly image?: string;
  /**
   * `talos`: the API server through KubePrism (`localhost:7445`); `generic`: through
   * `apiServerHost`/`apiServerPort`; `hosted`: through the in-cluster Service.
   * @default - 'hosted' when the bundle installs no CNI of its own (no `cilium` component, as the hosted bundles), otherwise 'talos'
   */
  readonly variant?: OperatorVariant;
  /**
   * `generic` only: the API server's host, the internal IP of a control-plane node. Required for `generic`.
   * @default - none
   */
  readonly apiServerHost?: string;
  /**
   * `generic` only: the API server's port.
   * @default 6443
   */
  readonly apiServerPort?: number;
  /**
   * Let the operator install its own copy of Flux at start-up (upstream `--install-flux=true`).
   * Off by default: the cluster already runs Flux, which applies this output.
   * @default false
   */
  readonly installFlux?: boolean;
}

/** The variant of the v1.x platform Package (upstream `values-<variant>.yaml` of the platform chart). */
export type PlatformVariant = 'isp-full' | 'isp-full-generic' | 'isp-hosted';

/** A dns01 provider block of the platform chart. Every field is the chart's own. */
export interface Dns01ProviderValues {
  /** Secret holding the provider's credentials. @default - the chart's default for the provider */
  readonly secretName?: string | null;
  /** Key in that Secret. @default - the chart's default for the provider */
  readonly secretKey?: string | null;
  /** route53: AWS region. @default '' */
  readonly region?: string | null;
  /** route53: access key id. @default '' */
  readonly accessKeyID?: string | null;
  /** rfc2136: the name server. @default '' */
  readonly nameserver?: string | null;
  /** rfc2136: TSIG key name. @default '' */
  readonly tsigKeyName?: string | null;
  /** rfc2136: TSIG algorithm. @default 'HMACSHA256' */
  readonly tsigAlgorithm?: string | null;
}

/**
 * The values of the upstream v1.x platform chart (`packages/core/platform`), as the Package
 * `cozystack.cozystack-platform` carries them in `spec.components.platform.values`. Every key is
 * the chart's; a key the chart of the pinned release does not have is an error. `null` deletes a
 * chart default, as in helm.
 */
export interface PlatformChartValues {
  /** Layers, packages. */
  readonly bundles?: {
    /** The system layer. @default - the variant's (`enabled` true but for isp-hosted) */
    readonly system?: { readonly enabled?: boolean; readonly variant?: string };
    /** The IaaS layer; `gpuOperatorVariant` is `default` or `vgpu`. @default - the variant's */
    readonly iaas?: { readonly enabled?: boolean; readonly gpuOperatorVariant?: string };
    /** The PaaS layer. @default - the variant's */
    readonly paas?: { readonly enabled?: boolean };
    /** The NaaS layer. @default - the variant's */
    readonly naas?: { readonly enabled?: boolean };
    /** Packages not rendered, e.g. `cozystack.linstor`. @default [] */
    readonly disabledPackages?: readonly string[] | null;
    /** Optional packages rendered, e.g. `cozystack.gpu-operator`. @default - the variant's */
    readonly enabledPackages?: readonly string[] | null;
  };
  /** Cluster networking. @default - the chart's: cozy.local, 10.244.0.0/16, 10.244.0.1, 10.96.0.0/16, 100.64.0.0/16 */
  readonly networking?: {
    readonly clusterDomain?: string | null;
    readonly podCIDR?: string | null;
    readonly podGateway?: string | null;
    readonly serviceCIDR?: string | null;
    readonly joinCIDR?: string | null;
    /** `MASTER_NODES`: comma-separated control-plane IPs for kube-ovn. @default '' */
    readonly kubeovn?: { readonly MASTER_NODES?: string | null };
  };
  /** How services are published. */
  readonly publishing?: {
    /** The root host. @default 'example.org' */
    readonly host?: string | null;
    /** Namespace of the ingress that publishes. @default 'tenant-root' */
    readonly ingressName?: string | null;
    /** Namespace of a separate admin ingress. @default '' */
    readonly ingressNameAdmin?: string | null;
    /** Services published. @default ['api', 'dashboard', 'vm-exportproxy', 'cdi-uploadproxy'] */
    readonly exposedServices?: readonly string[] | null;
    /** The API server URL of tenant kubeconfigs. @default '' */
    readonly apiServerEndpoint?: string | null;
    /** External IPs of the host ingress. @default [] */
    readonly externalIPs?: readonly string[] | null;
    /** loadBalancerClass of the host ingress Service. @default '' */
    readonly loadBalancerClass?: string | null;
    /** PROXY protocol on the host ingress (and the ouroboros Package). @default false */
    readonly proxyProtocol?: boolean | null;
    /** Acknowledge turning proxyProtocol off while ouroboros is installed. @default false */
    readonly proxyProtocolAcknowledgeUnclean?: boolean | null;
    /** Certificates. */
    readonly certificates?: {
      /** `http01` or `dns01`. @default 'http01' */
      readonly solver?: string | null;
      /** ClusterIssuer name. @default 'letsencrypt-prod' */
      readonly issuerName?: string | null;
      /** One shared wildcard certificate (dns01, no gateway). @default false */
      readonly wildcard?: boolean | null;
      /** A wildcard TLS Secret you provide. @default '' */
      readonly wildcardSecretName?: string | null;
      /** The dns01 provider and its settings. @default - cloudflare with the chart's Secret names */
      readonly dns01?: {
        readonly provider?: string | null;
        readonly cloudflare?: Dns01ProviderValues | null;
        readonly route53?: Dns01ProviderValues | null;
        readonly digitalocean?: Dns01ProviderValues | null;
        readonly rfc2136?: Dns01ProviderValues | null;
      } | null;
    } | null;
  };
  /** Authentication. */
  readonly authentication?: {
    /** OIDC through Keycloak. @default - disabled */
    readonly oidc?: {
      readonly enabled?: boolean;
      readonly insecureSkipVerify?: boolean | null;
      readonly keycloakExtraRedirectUri?: string | null;
      readonly keycloakInternalUrl?: string | null;
    };
  };
  /** Gateway API. @default - disabled */
  readonly gateway?: { readonly enabled?: boolean | null; readonly attachedNamespaces?: readonly string[] | null };
  /** Platform monitoring: whether the root tenant hosts it. @default { rootEnabled: true } */
  readonly monitoring?: { readonly rootEnabled?: boolean | null } | null;
  /** Backup storage of the cozy-default BackupClass (free-form). @default {} */
  readonly backupStorage?: Readonly<Record<string, JsonValue>> | null;
  /** Scheduling: the global topology spread constraints (YAML text). @default '' */
  readonly scheduling?: { readonly globalAppTopologySpreadConstraints?: string | null } | null;
  /** Branding (free-form: brandName, brandHtmlName, loginTheme, loginThemeImage, ...). @default {} */
  readonly branding?: Readonly<Record<string, JsonValue>> | null;
  /** Container registry mirrors (free-form `mirrors` and `config`). @default {} */
  readonly registries?: Readonly<Record<string, JsonValue>> | null;
  /** Allocation ratios. @default - 10, 1, 40 */
  readonly resources?: { readonly cpuAllocationRatio?: number | null; readonly memoryAllocationRatio?: number | null; readonly ephemeralStorageAllocationRatio?: number | null };
  /** GPU host devices for VMs (free-form below its keys). @default - the chart's */
  readonly gpu?: Readonly<Record<string, JsonValue>> | null;
  /** Platform migrations (the chart's hook; `targetVersion` is the cozystack-version data version). @default - the release's */
  readonly migrations?: { readonly enabled?: boolean; readonly image?: string; readonly targetVersion?: number; readonly etcdAdoptSkipBackup?: boolean | null };
}

/**
 * v1.x: what the platform chart's `lookup`s would find on the cluster. Upstream reads these at
 * install time; here they are settings, each absent by default (a first install, what an offline
 * `helm template` sees).
 */
export interface ClusterStateProps {
  /**
   * `data["ca.crt"]` of the ConfigMap `kube-system/kube-root-ca.crt`: the chart writes it, base64, as `_cluster.kube-root-ca`.
   * @default - none (no `kube-root-ca` key)
   */
  readonly kubeRootCa?: string;
  /**
   * The data of a v0.x `cozy-system/cozystack` ConfigMap still on the cluster: its `root-host`,
   * `api-server-endpoint` and `ipv4-*` keys win over the settings, as upstream's chart has them win.
   * @default - none
   */
  readonly legacyConfig?: Readonly<Record<string, string>>;
  /**
   * The data version in the cluster's `cozystack-version` ConfigMap (an upgrade): the chart then does
   * not render that ConfigMap, and below the release's target it renders its migration Job.
   * @default - none (a first install)
   */
  readonly installedDataVersion?: number;
  /**
   * The Package `cozystack.ouroboros` is on the cluster: with `publishing.proxyProtocol` off the chart
   * refuses unless `publishing.proxyProtocolAcknowledgeUnclean` is set.
   * @default false
   */
  readonly ouroborosInstalled?: boolean;
}

/**
 * Settings of a Cozystack platform: what the upstream `cozystack` ConfigMap carries, and how it
 * is delivered.
 */
export interface PlatformSettings {
  /** The bundle of system components to install. */
  readonly bundle: Bundle;
  /**
   * Base DNS domain of the platform and host of the root tenant. Required by the paas bundles.
   * @default - none; the root tenant then uses 'example.org'
   */
  readonly rootHost?: string;
  /**
   * URL of the Kubernetes API server written into tenant kubeconfigs. Required by the paas bundles.
   * @default - none
   */
  readonly apiServerEndpoint?: string;
  /**
   * Cluster DNS domain.
   * @default 'cozy.local'
   */
  readonly clusterDomain?: string;
  /** OIDC settings. @default - OIDC disabled */
  readonly oidc?: OidcProps;
  /** Telemetry settings. @default - not set */
  readonly telemetry?: TelemetryProps;
  /** Components to enable, disable, configure. @default - the bundle's defaults */
  readonly components?: ComponentsProps;
  /** What to expose. @default - nothing exposed, ingress of tenant-root */
  readonly expose?: ExposeProps;
  /**
   * ACME solver of the cluster issuers: `http01`, or `cloudflare` for dns01.
   * @default 'http01'
   */
  readonly clusterIssuer?: 'http01' | 'cloudflare';
  /** Network ranges. @default - none set */
  readonly network?: NetworkProps;
  /** Over-commit ratios. @default - upstream defaults */
  readonly resources?: ResourceRatioProps;
  /**
   * API endpoint written into tenant kubeconfigs instead of `apiServerEndpoint`.
   * @default - none
   */
  readonly managementKubeconfigEndpoint?: string;
  /**
   * InternalIP addresses of the control-plane nodes; their hash rolls kube-ovn when they change
   * (upstream reads them from the cluster).
   * @default []
   */
  readonly controlPlaneNodeIPs?: readonly string[];
  /**
   * Branding data (upstream ConfigMap `cozystack-branding`), e.g. `{ branding: 'My Cloud' }`.
   * @default {}
   */
  readonly branding?: Readonly<Record<string, string>>;
  /**
   * Scheduling data (upstream ConfigMap `cozystack-scheduling`).
   * @default {}
   */
  readonly scheduling?: Readonly<Record<string, string>>;
  /** Where the charts come from. @default - the upstream OCI artifact at the v1.6.0 digest */
  readonly source?: PlatformSourceProps;
  /**
   * `flux`: synthesize every HelmRelease, for a cluster with Flux alone. `operator`: synthesize
   * PackageSources and Packages for the upstream cozystack-operator.
   * @default 'flux'
   */
  readonly mode?: PlatformMode;
  /** HelmRelease tuning. @default - the upstream operator's defaults */
  readonly helmRelease?: HelmReleaseTuningProps;
  /**
   * The Cozystack release installed, e.g. `'1.6.0'` (no leading `v`). The platform source
   * follows it (ref `tag: v<version>` unless `source.ref` is set), as do the operator image and
   * its `COZYSTACK_VERSION`, and the `cozystack-version` ConfigMap.
   * @default - not set: the upstream v1.6.0 artifact and operator, pinned by digest
   */
  readonly version?: string;
  /**
   * The data version written into the `cozystack-version` ConfigMap (upstream
   * `migrations.targetVersion`). Needed only for a `version` the library does not know.
   * @default - the migration target of `version` (54 for 1.6.x; 54 when `version` is not set)
   */
  readonly migrationsTargetVersion?: number;
  /**
   * The cozystack-operator Deployment, used in operator mode only.
   * @default - the upstream installer's settings, without installing Flux
   */
  readonly operator?: OperatorProps;
  /**
   * Emit the ValidatingAdmissionPolicy `cozystack-no-delete-guardrail` and its binding, which deny
   * deleting objects labelled `platform.cozystack.io/no-delete: "true"` (needs Kubernetes 1.30+).
   * @default true
   */
  readonly deletionGuardrail?: boolean;
  /**
   * `release`: each tenant as the HelmRelease the platform's API stores. `explicit`: every object
   * the tenant chart would render.
   * @default 'release'
   */
  readonly tenantRendering?: TenantRendering;
  /**
   * v1.x only: the variant of the platform Package. `bundle` gives it as upstream's migration
   * script does: paas-full is isp-full, paas-hosted is isp-hosted.
   * @default - from `bundle`
   */
  readonly variant?: PlatformVariant;
  /**
   * v1.x only: values of the upstream platform chart, merged over what the other settings map to
   * (the chart's values.yaml, then values-<variant>.yaml, then the settings, then these).
   * @default {}
   */
  readonly platformValues?: PlatformChartValues;
  /**
   * v1.x only: what the platform chart's cluster look-ups find (an upgrade from a running cluster).
   * @default - nothing found (a first install)
   */
  readonly clusterState?: ClusterStateProps;
}

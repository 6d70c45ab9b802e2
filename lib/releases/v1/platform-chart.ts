/**
 * The v1 platform chart (`packages/core/platform` of Cozystack v1.6.x) as a pure function: the
 * chart's merged values and the release's data in, the objects `helm template` renders out, in
 * helm's order, or the chart's refusal as a thrown `PlatformChartError`.
 *
 * The chart's cluster `lookup`s are inputs (`PlatformChartLookups`); each defaults to nil, what a
 * first install (and an offline `helm template`) sees. What each template renders is read from
 * `platform-layout.ts` (data); this file holds the logic the templates compute.
 */
import { isPlainObject, type JsonValue, type Values } from '../../core/values.js';
import {
  b64enc,
  ChartTemplateError,
  dflt,
  field,
  has,
  indent,
  join,
  quote,
  safe,
  strval,
  toYaml,
  truthy,
  yamlKeyLess,
} from './go-values.js';
import {
  CLUSTER_KEYS,
  DNS01_DEFAULT_PROVIDER,
  DNS01_PROVIDERS,
  FIXED_COMPONENT_VALUES as FIXED,
  GUARDRAIL_SPECS,
  PLATFORM_NAMES as N,
  type BundleTemplate,
  type ChartCondition,
  type ComponentsRule,
  type PackageEntry,
  type PlatformChartRelease,
} from './platform-layout.js';

export { ChartTemplateError } from './go-values.js';

/** An object as a lookup returns it (or as the chart renders it). */
export type ChartObject = Values;

/** One file of the chart's `sources/` folder, parsed: its YAML documents in order. */
export interface PackageSourceFile {
  /** The file name inside `sources/`, e.g. `networking.yaml`. */
  readonly file: string;
  /** Its documents (empty documents left out). */
  readonly documents: readonly Values[];
}

/** The chart's own data files (`files/*.yaml`), parsed. */
export interface PlatformChartFiles {
  /** `files/gpu-passthrough-defaults.yaml` (its `pciHostDevices`). */
  readonly gpuPassthroughDefaults: Values;
  /** `files/gpu-vgpu-defaults.yaml` (its `permittedHostDevices.mediatedDevices`). */
  readonly gpuVgpuDefaults: Values;
}

/**
 * What the chart's `lookup`s answer. Each absent or null entry is nil: nothing of that name on
 * the cluster, as on a first install and in an offline `helm template`.
 */
export interface PlatformChartLookups {
  /** ConfigMap `kube-system/kube-root-ca.crt`: its `data["ca.crt"]` becomes `_cluster.kube-root-ca`. */
  readonly kubeRootCa?: ChartObject | null;
  /** ConfigMap `cozy-system/cozystack` (the v0.x platform ConfigMap): `root-host`, `api-server-endpoint`, `ipv4-*` win over values. */
  readonly cozystackConfigMap?: ChartObject | null;
  /** ConfigMap `<namespace>/cozystack-version`: when present the chart does not render it and may run the migration hook. */
  readonly versionConfigMap?: ChartObject | null;
  /** Package `cozystack.ouroboros`: present while proxyProtocol is off (and not acknowledged), the chart refuses. */
  readonly ouroborosPackage?: ChartObject | null;
  /** The Flux source `sourceRef` names (`templates/repository.yaml`): copied into `cozystack-packages`; nil, the chart refuses. */
  readonly platformSource?: ChartObject | null;
}

/** The chart's templates that render objects, as helm names them under the chart. */
export type PlatformTemplate =
  | 'templates/apps.yaml'
  | 'templates/bundles/iaas.yaml'
  | 'templates/bundles/naas.yaml'
  | 'templates/bundles/paas.yaml'
  | 'templates/bundles/system.yaml'
  | 'templates/containerd-registry-secret.yaml'
  | 'templates/cozystack-version.yaml'
  | 'templates/deletion-protection.yaml'
  | 'templates/migration-hook.yaml'
  | 'templates/repository.yaml'
  | 'templates/scheduling.yaml'
  | 'templates/sources.yaml';

export interface PlatformChartInput {
  /** The release's chart as data (`PLATFORM_CHART_RELEASES[tag]`). */
  readonly release: PlatformChartRelease;
  /** The merged values (`mergeHelmValues(values.yaml, values-<variant>.yaml, package values)`). */
  readonly values: Values;
  /** The release's `sources/*.yaml`. */
  readonly sources: readonly PackageSourceFile[];
  /** The chart's data files. */
  readonly files: PlatformChartFiles;
  readonly lookups?: PlatformChartLookups;
  /** The release namespace (`helm -n`). @default 'cozy-system' */
  readonly namespace?: string;
  /** The API versions the cluster serves, as `--api-versions` gives them (the guardrail needs `admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy`). @default [] */
  readonly apiVersions?: readonly string[];
  /** Templates left out, as if removed from the chart (a recording without `templates/repository.yaml`). @default [] */
  readonly omitTemplates?: readonly PlatformTemplate[];
}

/** The chart refuses the settings (`fail` in a template). */
export class PlatformChartError extends Error {
  constructor(
    /** The template that refuses. */
    readonly template: PlatformTemplate,
    /** What the refusal is about, as the chart's message names it: a setting (values path), or the missing object (`namespace/name`). */
    readonly subject: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlatformChartError';
  }
}

/** An object the chart renders; hooks carry the `helm.sh/hook` annotation. */
export interface PlatformChartObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

interface Ctx {
  readonly input: PlatformChartInput;
  readonly v: Values;
  readonly lookups: PlatformChartLookups;
  readonly namespace: string;
  readonly disabled: JsonValue | undefined;
  readonly enabled: JsonValue | undefined;
}

interface Rendered {
  readonly template: PlatformTemplate;
  readonly objects: readonly Values[];
}

/**
 * Renders the platform chart: every object `helm template cozystack-platform <chart> -n
 * <namespace>` prints, in its order (manifests by template path then kind, hooks last).
 * Throws `PlatformChartError` for a `fail` of the chart and `ChartTemplateError` for a template
 * execution error, the first one in helm's template order.
 */
export function renderPlatformChart(input: PlatformChartInput): PlatformChartObject[] {
  const v = input.values;
  const bundles = field('templates/bundles/system.yaml', v, 'bundles');
  const ctx: Ctx = {
    input,
    v,
    lookups: input.lookups ?? {},
    namespace: input.namespace ?? 'cozy-system',
    disabled: dflt([], safe(bundles, 'disabledPackages')),
    enabled: dflt([], safe(bundles, 'enabledPackages')),
  };
  const templates = new Map<PlatformTemplate, () => Values[]>();
  for (const b of input.release.bundles) templates.set(b.template as PlatformTemplate, () => renderBundle(ctx, b));
  templates.set('templates/apps.yaml', () => [valuesSecret(ctx)]);
  templates.set('templates/containerd-registry-secret.yaml', () => registriesSecret(ctx));
  templates.set('templates/cozystack-version.yaml', () => versionConfigMap(ctx));
  templates.set('templates/deletion-protection.yaml', () => guardrail(ctx));
  templates.set('templates/migration-hook.yaml', () => migrationHook(ctx));
  templates.set('templates/repository.yaml', () => packagesSource(ctx));
  templates.set('templates/scheduling.yaml', () => schedulingConfigMap(ctx));
  templates.set('templates/sources.yaml', () => packageSources(ctx));
  for (const t of input.omitTemplates ?? []) templates.delete(t);

  // helm's engine renders deeper paths first, then in reverse lexical order; the first error wins.
  const chart = input.release.chartName;
  const full = (t: string): string => `${chart}/${t}`;
  const engineOrder = [...templates.keys()].sort((a, b) => {
    const da = full(a).split('/').length;
    const db = full(b).split('/').length;
    return da !== db ? db - da : full(a) < full(b) ? 1 : full(a) > full(b) ? -1 : 0;
  });
  const rendered = new Map<PlatformTemplate, Values[]>();
  for (const t of engineOrder) rendered.set(t, templates.get(t)!());

  // The manifests are sorted by file path, then (stably) by kind; hooks go apart and come last.
  const files: Rendered[] = [...rendered.entries()].map(([template, objects]) => ({ template, objects })).sort((a, b) => (full(a.template) < full(b.template) ? -1 : full(a.template) > full(b.template) ? 1 : 0));
  const manifests: Values[] = [];
  const hooks: Values[] = [];
  for (const f of files) for (const o of f.objects) (isHook(o) ? hooks : manifests).push(o);
  return [...sortByKind(manifests), ...sortByKind(hooks)] as unknown as PlatformChartObject[];
}

// ------------------------------------------------------------------------------------ helm's kind order

/** helm's install order of kinds; kinds not listed come after, by kind name. */
const INSTALL_ORDER = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList',
  'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding',
  'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

function sortByKind(objects: Values[]): Values[] {
  const rank = (k: string): number => {
    const i = INSTALL_ORDER.indexOf(k);
    return i < 0 ? INSTALL_ORDER.length : i;
  };
  return objects
    .map((o, i) => ({ o, i, k: String(o.kind) }))
    .sort((a, b) => {
      const ra = rank(a.k);
      const rb = rank(b.k);
      if (ra !== rb) return ra - rb;
      if (ra === INSTALL_ORDER.length && a.k !== b.k) return a.k < b.k ? -1 : 1;
      return a.i - b.i;
    })
    .map((x) => x.o);
}

function isHook(o: Values): boolean {
  const ann = safe(o, 'metadata', 'annotations');
  return isPlainObject(ann) && 'helm.sh/hook' in ann;
}

// ------------------------------------------------------------------------------------ bundles

function variantOf(ctx: Ctx, template: string): JsonValue | undefined {
  return field(template, ctx.v, 'bundles', 'system', 'variant');
}

function oidcEnabled(ctx: Ctx, template: string): JsonValue | undefined {
  return field(template, ctx.v, 'authentication', 'oidc', 'enabled');
}

function gpuEnabled(ctx: Ctx, template: string): boolean {
  const name = 'cozystack.gpu-operator';
  return has(template, ctx.enabled, name) && !has(template, ctx.disabled, name);
}

function gpuVariant(ctx: Ctx, template: string): JsonValue {
  return dflt('default', field(template, ctx.v, 'bundles', 'iaas', 'gpuOperatorVariant'));
}

function holds(ctx: Ctx, template: string, c: ChartCondition): boolean {
  if (c === 'oidc') return truthy(oidcEnabled(ctx, template));
  if (c === 'proxyProtocol') return truthy(field(template, ctx.v, 'publishing', 'proxyProtocol'));
  if (c === 'gpuOperator') return gpuEnabled(ctx, template);
  if ('variant' in c) return variantOf(ctx, template) === c.variant;
  return has(template, ctx.enabled, c.listed);
}

function renderBundle(ctx: Ctx, b: BundleTemplate): Values[] {
  const t = b.template as PlatformTemplate;
  const enabled = truthy(field(t, ctx.v, 'bundles', b.layer, 'enabled'));
  if (!enabled) return [];
  if (b.variants) {
    const variant = variantOf(ctx, t);
    if (!b.variants.includes(variant as string)) {
      throw new PlatformChartError(
        t,
        `bundles.${b.layer}.enabled`,
        `bundles.${b.layer}.enabled is true with bundles.system.variant ${quote(variant ?? null) || 'nil'}; the ${b.layer} layer exists only for ${b.variants.map((x) => `'${x}'`).join(', ')}`,
      );
    }
  }
  const out: Values[] = [];
  const walk = (entries: readonly PackageEntry[]): void => {
    for (const e of entries) {
      if ('when' in e) walk(holds(ctx, t, e.when) ? e.then : (e.else ?? []));
      else if ('check' in e) check(ctx, t, e.check);
      else if ('optional' in e) {
        if (has(t, ctx.enabled, e.optional) && !has(t, ctx.disabled, e.optional)) out.push(packageObject(e.optional, 'default', {}));
      } else {
        if (has(t, ctx.disabled, e.package)) {
          // A disabled package is not rendered, but its component values are still computed (and may fail).
          if (e.components) components(ctx, t, e.components);
          continue;
        }
        const variant = e.variant === 'gpu-operator-variant' ? strval(gpuVariant(ctx, t)) : (e.variant ?? 'default');
        out.push(packageObject(e.package, variant, e.components ? components(ctx, t, e.components) : {}));
      }
    }
  };
  walk(b.entries);
  return out;
}

function check(ctx: Ctx, t: PlatformTemplate, c: 'gpu-operator-variant' | 'proxy-protocol-unclean'): void {
  if (c === 'gpu-operator-variant') {
    const variant = gpuVariant(ctx, t);
    if (!(FIXED.gpuVariants as readonly JsonValue[]).includes(variant)) {
      throw new PlatformChartError(t, 'bundles.iaas.gpuOperatorVariant', `bundles.iaas.gpuOperatorVariant is ${quote(variant)}; it takes ${FIXED.gpuVariants.map((x) => `"${x}"`).join(' or ')}`);
    }
    return;
  }
  const on = truthy(field(t, ctx.v, 'publishing', 'proxyProtocol'));
  const acknowledged = truthy(field(t, ctx.v, 'publishing', 'proxyProtocolAcknowledgeUnclean'));
  if (!on && !acknowledged && truthy(ctx.lookups.ouroborosPackage ?? null)) {
    throw new PlatformChartError(
      t,
      'publishing.proxyProtocol',
      'publishing.proxyProtocol is false but the Package cozystack.ouroboros exists on the cluster (kept by helm.sh/resource-policy: keep): ' +
        'set publishing.proxyProtocol back to true, or stop PROXY-protocol at the load balancer, delete the Package and set publishing.proxyProtocolAcknowledgeUnclean: true',
    );
  }
}

function packageObject(name: string, variant: string, comps: Values): Values {
  const spec: Values = { variant };
  if (truthy(comps)) spec.components = sortKeys(comps);
  return {
    apiVersion: 'cozystack.io/v1alpha1',
    kind: 'Package',
    metadata: { name, annotations: { [N.keepAnnotation]: 'keep' } },
    spec,
  };
}

/** Keys in toYaml's order (the Package's components pass through toYaml). */
function sortKeys(v: JsonValue): JsonValue;
function sortKeys(v: Values): Values;
function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x));
  if (!isPlainObject(v)) return v;
  const out: Values = {};
  for (const k of Object.keys(v).sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0))) out[k] = sortKeys((v as Values)[k]!);
  return out;
}

/** sprig `int` (cast.ToInt): numbers truncate, decimal strings parse, anything else is 0. */
function toInt(v: JsonValue | undefined): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^[-+]?\d+$/.test(v.trim())) return Number.parseInt(v.trim(), 10);
  return 0;
}

/** The cozy-system/cozystack ConfigMap's value for a key, when the lookup found one with data. */
function legacy(ctx: Ctx, key: string): JsonValue | undefined {
  const cm = ctx.lookups.cozystackConfigMap ?? null;
  if (!truthy(cm) || !truthy(safe(cm, 'data'))) return undefined;
  return safe(cm, 'data', key);
}

/** The host and port of a URL as Go's url.Parse gives `Host` (sprig `urlParse`), split at ':'. */
function hostAndPort(endpoint: string): [string, string | undefined] {
  const m = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)/.exec(endpoint);
  const authority = m ? m[1]! : '';
  const host = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const parts = host.split(':');
  return [parts[0]!, parts.length > 1 ? parts[1] : undefined];
}

function components(ctx: Ctx, t: PlatformTemplate, rule: ComponentsRule): Values {
  const v = ctx.v;
  switch (rule) {
    case 'networking-talos': {
      if (!truthy(v.networking)) return {};
      const kubeovn: Values = {
        ipv4: {
          POD_CIDR: nil(field(t, v, 'networking', 'podCIDR')),
          POD_GATEWAY: nil(field(t, v, 'networking', 'podGateway')),
          SVC_CIDR: nil(field(t, v, 'networking', 'serviceCIDR')),
          JOIN_CIDR: nil(field(t, v, 'networking', 'joinCIDR')),
        },
      };
      const masters = field(t, v, 'networking', 'kubeovn', 'MASTER_NODES');
      if (truthy(masters)) kubeovn.MASTER_NODES = masters!;
      const c = FIXED.ciliumTalos;
      return {
        kubeovn: { values: { 'kube-ovn': kubeovn } },
        cilium: { values: { cilium: { k8sServiceHost: c.k8sServiceHost, k8sServicePort: c.k8sServicePort, cgroup: { autoMount: { enabled: c.autoMount } } } } },
      };
    }
    case 'networking-generic': {
      if (!truthy(v.networking)) return {};
      const endpoint = dflt(nil(field(t, v, 'publishing', 'apiServerEndpoint')), legacy(ctx, 'api-server-endpoint'));
      let apiHost = '';
      let apiPort: string = FIXED.ciliumGenericDefaultPort;
      if (truthy(endpoint)) {
        const [h, p] = hostAndPort(strval(endpoint));
        apiHost = h;
        apiPort = p ?? FIXED.ciliumGenericDefaultPort;
      }
      const pick = (path: string, key: string): JsonValue => dflt(nil(field(t, v, 'networking', path)), legacy(ctx, key));
      const kubeovn: Values = {
        ipv4: {
          POD_CIDR: pick('podCIDR', 'ipv4-pod-cidr'),
          POD_GATEWAY: pick('podGateway', 'ipv4-pod-gateway'),
          SVC_CIDR: pick('serviceCIDR', 'ipv4-svc-cidr'),
          JOIN_CIDR: pick('joinCIDR', 'ipv4-join-cidr'),
        },
      };
      const masters = field(t, v, 'networking', 'kubeovn', 'MASTER_NODES');
      if (truthy(masters)) kubeovn.MASTER_NODES = masters!;
      kubeovn.MASTER_NODES_LABEL = FIXED.kubeovnGenericMasterNodesLabel;
      return {
        kubeovn: { values: { 'kube-ovn': kubeovn } },
        cilium: { values: { cilium: { k8sServiceHost: apiHost, k8sServicePort: apiPort, cgroup: { autoMount: { enabled: true } } } } },
      };
    }
    case 'linstor-generic':
      return { linstor: { values: { talos: { enabled: false } } } };
    case 'engine':
      return variantOf(ctx, t) === 'isp-full-generic' ? { 'cozystack-api': { values: { cozystackAPI: { nodeSelector: { ...FIXED.genericControlPlaneSelector } } } } } : {};
    case 'ouroboros': {
      const ns = strval(dflt(FIXED.defaultIngressNamespace, field(t, v, 'publishing', 'ingressName')));
      const short = ns.startsWith(FIXED.tenantPrefix) ? ns.slice(FIXED.tenantPrefix.length) : ns;
      return { ouroboros: { values: { ouroboros: { proxy: { target: { namespace: ns, serviceName: `${short}${FIXED.ingressServiceSuffix}` } } } } } };
    }
    case 'tenant': {
      const oidc = oidcEnabled(ctx, t);
      if (typeof oidc !== 'boolean') throw new ChartTemplateError(t, `wrong type for value; expected bool; got ${oidc === undefined || oidc === null ? '<nil>' : typeof oidc}`);
      return { tenant: { values: { _cluster: { 'oidc-enabled': oidc ? 'true' : 'false' } } } };
    }
    case 'backupstrategy':
      return truthy(v.backupStorage) ? { 'backupstrategy-controller': { values: { backupStorage: v.backupStorage! } } } : {};
    case 'monitoring-agents':
      return { 'monitoring-agents': { values: { global: { target: FIXED.monitoringAgentsTarget } } } };
    case 'kubevirt':
      return kubevirt(ctx, t);
    case 'gpu-operator':
      return gpuOperator(ctx, t);
  }
}

function nil(v: JsonValue | undefined): JsonValue {
  return v === undefined ? null : v;
}

function list(v: JsonValue | undefined): JsonValue[] {
  const d = dflt([], v);
  return Array.isArray(d) ? d : [d];
}

function kubevirt(ctx: Ctx, t: PlatformTemplate): Values {
  const v = ctx.v;
  const values: Values = {};
  const ratio = field(t, v, 'resources', 'cpuAllocationRatio');
  if (truthy(ratio)) values.cpuAllocationRatio = toInt(ratio);
  const gpu = v.gpu;
  if (gpuEnabled(ctx, t)) {
    values.extraFeatureGates = [FIXED.gpuHostDevicesGate];
    const userPci = list(safe(gpu, 'permittedHostDevices', 'pciHostDevices'));
    const userMdev = list(safe(gpu, 'permittedHostDevices', 'mediatedDevices'));
    const userMdevConfig = dflt({}, safe(gpu, 'mediatedDevicesConfiguration'));
    const replace = truthy(safe(gpu, 'replaceDefaults'));
    let pci: JsonValue[] = [];
    let mdev: JsonValue[] = [];
    let mdevConfig: Values = {};
    if (gpuVariant(ctx, t) === 'default') {
      if (!replace) pci = pci.concat(list(safe(ctx.input.files.gpuPassthroughDefaults, 'pciHostDevices')));
      pci = pci.concat(userPci);
    } else {
      if (!replace && truthy(safe(gpu, 'vgpuDeviceManager', 'enabled'))) mdev = mdev.concat(list(safe(ctx.input.files.gpuVgpuDefaults, 'permittedHostDevices', 'mediatedDevices')));
      pci = pci.concat(userPci);
      mdev = mdev.concat(userMdev);
      if (isPlainObject(userMdevConfig)) mdevConfig = { ...(userMdevConfig as Values) };
    }
    const permitted: Values = {};
    if (pci.length) permitted.pciHostDevices = pci;
    if (mdev.length) permitted.mediatedDevices = mdev;
    if (truthy(permitted)) values.permittedHostDevices = permitted;
    if (truthy(mdevConfig)) values.mediatedDevicesConfiguration = mdevConfig;
  }
  return truthy(values) ? { kubevirt: { values } } : {};
}

function gpuOperator(ctx: Ctx, t: PlatformTemplate): Values {
  if (!gpuEnabled(ctx, t) || gpuVariant(ctx, t) !== 'vgpu') return {};
  const gpu = ctx.v.gpu;
  const overrides: Values = {};
  const mgr = dflt({}, safe(gpu, 'vgpuManager'));
  const m = (isPlainObject(mgr) ? mgr : {}) as Values;
  const imageCustomized = 'image' in m && dflt('', m.image) !== FIXED.vgpuManagerDefaultImage;
  if (truthy(m.repository) || truthy(m.version) || imageCustomized || truthy(m.imagePullSecrets)) overrides.vgpuManager = mgr;
  if (truthy(safe(gpu, 'vgpuDeviceManager', 'enabled'))) overrides.vgpuDeviceManager = { enabled: true };
  return truthy(overrides) ? { 'gpu-operator': { values: { 'gpu-operator': overrides } } } : {};
}

// ------------------------------------------------------------------------------------ apps.yaml

/** The `_cluster` text of the values Secret, line by line, as the template prints it. */
function clusterLines(ctx: Ctx): string[] {
  const t: PlatformTemplate = 'templates/apps.yaml';
  const v = ctx.v;
  const lines = ['_cluster:'];
  const put = (key: string, value: string): void => {
    lines.push(`  ${key}: ${value}`);
  };
  for (const k of CLUSTER_KEYS) {
    if ('dns01' in k) {
      const dns01 = field(t, v, 'publishing', 'certificates', 'dns01');
      if (!truthy(dns01)) continue;
      put('dns01-provider', quote(dflt(DNS01_DEFAULT_PROVIDER, safe(dns01, 'provider'))));
      for (const p of DNS01_PROVIDERS) {
        const block = field(t, dns01, p.provider);
        if (!truthy(block)) continue;
        for (const key of p.keys) put(`dns01-${p.provider}-${key.key}`, quote(dflt(key.fallback, field(t, block, key.field))));
      }
      continue;
    }
    if ('yaml' in k) {
      const value = v[k.yaml[0]!];
      if (!truthy(value)) continue;
      lines.push(`  ${k.key}:`);
      lines.push(...indent(4, toYaml(value!)).split('\n'));
      continue;
    }
    if ('path' in k) {
      let value = field(t, v, ...k.path);
      if (k.index && (value === undefined || value === null)) throw new ChartTemplateError(t, 'error calling index: index of untyped nil');
      if (k.fallback !== undefined) value = dflt(k.fallback as JsonValue, value);
      put(k.key, k.join !== undefined ? quote(join(value, k.join)) : quote(value));
      continue;
    }
    switch (k.computed) {
      case 'root-host':
        put(k.key, quote(dflt(nil(field(t, v, 'publishing', 'host')), legacy(ctx, 'root-host'))));
        break;
      case 'wildcard-secret-name':
      case 'wildcard-issue': {
        const w = wildcard(ctx, t);
        put(k.key, k.computed === 'wildcard-issue' ? quote(w.issue) : quote(w.name));
        break;
      }
      case 'monitoring-enabled': {
        const m = dflt({}, v.monitoring);
        put(k.key, quote(isPlainObject(m) && 'rootEnabled' in m ? (m as Values).rootEnabled : true));
        break;
      }
      case 'kube-root-ca': {
        const data = safe(ctx.lookups.kubeRootCa ?? null, 'data');
        if (!truthy(data)) break;
        const ca = safe(data, 'ca.crt');
        if (ca === undefined || ca === null) throw new ChartTemplateError(t, 'error calling b64enc: invalid value; expected string');
        put(k.key, quote(b64enc(ca)));
        break;
      }
    }
  }
  return lines;
}

function wildcard(ctx: Ctx, t: PlatformTemplate): { name: JsonValue; issue: boolean } {
  const v = ctx.v;
  const byo = dflt('', field(t, v, 'publishing', 'certificates', 'wildcardSecretName'));
  const issue =
    !truthy(byo) &&
    field(t, v, 'publishing', 'certificates', 'solver') === 'dns01' &&
    truthy(field(t, v, 'publishing', 'certificates', 'wildcard')) &&
    !truthy(field(t, v, 'gateway', 'enabled'));
  return issue ? { name: N.wildcardSecret, issue: true } : { name: byo, issue: false };
}

function valuesSecret(ctx: Ctx): Values {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: N.valuesSecret, namespace: N.systemNamespace, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
    type: 'Opaque',
    stringData: { 'values.yaml': `${clusterLines(ctx).join('\n')}\n` },
  };
}

// ------------------------------------------------------------------------------------ the other templates

function registriesSecret(ctx: Ctx): Values[] {
  const t: PlatformTemplate = 'templates/containerd-registry-secret.yaml';
  const mirrors = field(t, ctx.v, 'registries', 'mirrors');
  if (!truthy(mirrors)) return [];
  const data: Values = {};
  const config = field(t, ctx.v, 'registries', 'config');
  const text = (x: JsonValue | undefined): string => (x === undefined || x === null ? '' : strval(x));
  for (const registry of Object.keys(mirrors as Values).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const endpoints = field(t, (mirrors as Values)[registry], 'endpoints');
    if (!truthy(endpoints)) continue;
    const lines = [`server = "https://${registry}"`];
    for (const endpoint of Array.isArray(endpoints) ? endpoints : [endpoints!]) {
      const e = strval(endpoint);
      lines.push(`[host."${e}"]`, '  capabilities = ["pull", "resolve"]');
      if (config === undefined || config === null) throw new ChartTemplateError(t, 'error calling index: index of untyped nil');
      const ec = isPlainObject(config) ? (config as Values)[e] : undefined;
      if (truthy(ec)) {
        const tls = field(t, ec, 'tls');
        if (truthy(tls) && truthy(field(t, tls, 'insecureSkipVerify'))) lines.push('  skip_verify = true');
        const auth = field(t, ec, 'auth');
        if (truthy(auth)) {
          lines.push(`  [host."${e}".auth]`, `    username = "${text(field(t, auth, 'username'))}"`, `    password = "${text(field(t, auth, 'password'))}"`);
        }
      } else lines.push('  skip_verify = true');
    }
    data[`${registry}.toml`] = `${lines.join('\n')}\n`;
  }
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: N.registriesSecret, namespace: N.systemNamespace },
      type: 'Opaque',
      stringData: truthy(data) ? data : null,
    },
  ];
}

function versionConfigMap(ctx: Ctx): Values[] {
  const t: PlatformTemplate = 'templates/cozystack-version.yaml';
  if (truthy(ctx.lookups.versionConfigMap ?? null)) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: N.versionConfigMap, namespace: ctx.namespace, labels: { [N.noDeleteLabel]: 'true' }, annotations: { [N.keepAnnotation]: 'keep' } },
      data: { version: yamlOfQuoted(quote(field(t, ctx.v, 'migrations', 'targetVersion'))) },
    },
  ];
}

/** What YAML reads from `key: {{ x | quote }}`: the string, or null when quote printed nothing. */
function yamlOfQuoted(q: string): JsonValue {
  return q === '' ? null : (JSON.parse(q.replace(/\\x([0-9a-f]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string);
}

function guardrail(ctx: Ctx): Values[] {
  if (!(ctx.input.apiVersions ?? []).includes(N.guardrailApiVersion)) return [];
  const metadata = (): Values => ({ name: N.guardrail, labels: { [N.noDeleteLabel]: 'true' } });
  return [
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: metadata(), spec: structuredClone(GUARDRAIL_SPECS.policy) },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: metadata(), spec: structuredClone(GUARDRAIL_SPECS.binding) },
  ];
}

function migrationHook(ctx: Ctx): Values[] {
  const t: PlatformTemplate = 'templates/migration-hook.yaml';
  const m = field(t, ctx.v, 'migrations');
  if (!truthy(field(t, ctx.v, 'migrations', 'enabled'))) return [];
  const target = toInt(field(t, ctx.v, 'migrations', 'targetVersion'));
  const raw = isPlainObject(m) && 'etcdAdoptSkipBackup' in m ? (m as Values).etcdAdoptSkipBackup! : false;
  const skipBackup = ['1', 'true', 'yes'].includes(strval(raw).toLowerCase());
  const cm = ctx.lookups.versionConfigMap ?? null;
  if (!truthy(cm)) return [];
  const dataVersion = safe(cm, 'data', 'version');
  const current = toInt(dataVersion === undefined ? '0' : dataVersion);
  if (!(current < target)) return [];
  const hook = (deletePolicy: string): Values => ({ 'helm.sh/hook': 'pre-upgrade,pre-install', 'helm.sh/hook-weight': '1', 'helm.sh/hook-delete-policy': deletePolicy });
  const q = (x: JsonValue): JsonValue => yamlOfQuoted(quote(x));
  return [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: N.migrationHook, annotations: hook('before-hook-creation') },
      spec: {
        backoffLimit: 3,
        template: {
          metadata: { labels: { 'policy.cozystack.io/allow-to-apiserver': 'true' } },
          spec: {
            serviceAccountName: N.migrationHook,
            containers: [
              {
                name: 'migration',
                image: plainYaml(field(t, ctx.v, 'migrations', 'image')),
                env: [
                  { name: 'NAMESPACE', value: q(ctx.namespace) },
                  { name: 'CURRENT_VERSION', value: q(current) },
                  { name: 'TARGET_VERSION', value: q(target) },
                  { name: 'ETCD_ADOPT_SKIP_BACKUP', value: skipBackup ? '1' : '0' },
                ],
              },
            ],
            restartPolicy: 'Never',
          },
        },
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { annotations: hook('hook-succeeded,before-hook-creation'), name: N.migrationHook },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: N.migrationHook, namespace: q(ctx.namespace) }],
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: N.migrationHook, annotations: hook('hook-succeeded,before-hook-creation') } },
  ];
}

/** What YAML reads from a value printed unquoted (an image reference is a plain string). */
function plainYaml(v: JsonValue | undefined): JsonValue {
  return v === undefined || v === null ? null : strval(v);
}

function packagesSource(ctx: Ctx): Values[] {
  const t: PlatformTemplate = 'templates/repository.yaml';
  const kind = field(t, ctx.v, 'sourceRef', 'kind');
  const name = field(t, ctx.v, 'sourceRef', 'name');
  const namespace = field(t, ctx.v, 'sourceRef', 'namespace');
  const found = ctx.lookups.platformSource ?? null;
  if (!truthy(found)) {
    throw new PlatformChartError(t, `${strval(nil(namespace))}/${strval(nil(name))}`, `the source ${strval(nil(namespace))}/${strval(nil(name))} (${strval(nil(kind))}, source.toolkit.fluxcd.io/v1) that sourceRef names is not on the cluster`);
  }
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: strval(nil(kind)),
      metadata: { name: N.packagesSource, namespace: N.systemNamespace, labels: { [N.noDeleteLabel]: 'true' } },
      spec: nil(safe(found, 'spec')),
    },
  ];
}

function schedulingConfigMap(ctx: Ctx): Values[] {
  const t: PlatformTemplate = 'templates/scheduling.yaml';
  const spread = field(t, ctx.v, 'scheduling', 'globalAppTopologySpreadConstraints');
  if (!truthy(spread)) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: N.schedulingConfigMap, namespace: N.systemNamespace },
      data: { globalAppTopologySpreadConstraints: `${toYaml(spread!)}\n` },
    },
  ];
}

function packageSources(ctx: Ctx): Values[] {
  const files = [...ctx.input.sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return files.flatMap((f) => f.documents.map((d) => structuredClone(d)));
}

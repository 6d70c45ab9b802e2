/**
 * The platform of a v1.x release: what its platform chart renders for the settings
 * (`model.chart`), owned by Git.
 *
 * Ownership: the rendered objects (Packages, PackageSources, the `cozystack-values` Secret, the
 * `cozystack-packages` source, the guardrail, ...) are applied by Flux from the output, and no
 * platform Package `cozystack.cozystack-platform` is emitted, so the upstream platform chart never
 * runs and no two controllers manage one object. `synth` and `diff` show every Package a
 * settings change adds, removes or changes. Two annotations follow from Git owning them
 * (`gitOwnership`): an object the chart keeps (`helm.sh/resource-policy: keep`) or protects
 * (`platform.cozystack.io/no-delete`) is never pruned by Flux, and the `cozystack-version`
 * ConfigMap is created only when absent (the chart's `lookup`), so a migration's stamp stays.
 *
 * Operator mode: the chart's objects, the installer's objects (operator Deployment) and the
 * cozystack.io CRDs. Flux mode: the same without the Packages and the operator; instead what the
 * operator makes of the Packages: an ArtifactGenerator per PackageSource, the namespaces, a copy
 * of `cozystack-values` in each system namespace and one HelmRelease per installed component.
 */
import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import type { OperatorRelease, PackageSourceSpec } from '../model/package-sources.js';
import { PLATFORM_SOURCE, type PlatformModel, SYSTEM_NAMESPACE, VALUES_SECRET } from '../model/platform-model.js';
import { NO_DELETE_LABEL, PRUNE_DISABLED } from './deletion-guardrail.js';
import { addObject, GVK } from './objects.js';
import { renderOperatorBootstrap } from './operator-bootstrap.js';
import { addArtifactGenerator } from './package-source.js';
import { addNamespace } from './platform-common.js';
import { compact } from '../core/values.js';
import { VERSION_CONFIGMAP } from '../releases/versions.js';
import { COZYSTACK_CRDS } from '../../imports/cozystack-crds.js';

const KEEP = 'helm.sh/resource-policy';
/** Namespaces whose name starts with it get no `cozystack.io/system` label from the operator (nor the values Secret). */
const TENANT_PREFIX = 'tenant-';

/**
 * The annotations Git ownership adds to an object of the chart: no prune for what the chart
 * keeps or protects, create-only for the version ConfigMap. @internal
 */
export function gitOwnership(o: { readonly kind: string; readonly metadata: { readonly name: string; readonly annotations?: unknown; readonly labels?: unknown } }): Record<string, string> {
  const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
  const labels = (o.metadata.labels ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  if (annotations[KEEP] === 'keep' || labels[NO_DELETE_LABEL] === 'true') Object.assign(out, PRUNE_DISABLED);
  if (o.kind === 'ConfigMap' && o.metadata.name === VERSION_CONFIGMAP) out['kustomize.toolkit.fluxcd.io/ssa'] = 'IfNotPresent';
  return out;
}

/** Renders a v1.x platform. @internal */
export function renderPackagesPlatform(scope: Construct, model: PlatformModel): void {
  const chart = model.chart!;
  const flux = model.mode === 'flux';
  renderCrds(scope);
  if (flux) {
    renderPlatformSource(scope, model);
    addNamespace(scope, SYSTEM_NAMESPACE, true);
  } else {
    addNamespace(scope, SYSTEM_NAMESPACE, true);
    renderOperatorBootstrap(scope, model);
  }
  for (const o of chart.objects) {
    if (flux && o.kind === 'Package') continue;
    const { apiVersion, kind, metadata, ...body } = o;
    const extra = gitOwnership(o);
    const annotations = { ...((metadata.annotations ?? {}) as Record<string, string>), ...extra };
    addObject(scope, { apiVersion, kind }, { ...(metadata as { name: string }), ...(Object.keys(annotations).length ? { annotations } : {}) }, body);
    if (flux && kind === 'PackageSource') {
      const ps = chart.sources.get(metadata.name)!;
      if (ps.sourceRef) addArtifactGenerator(scope, ps.name, ps.sourceRef, ps.variants);
    }
  }
  if (!flux) return;
  const valuesText = valuesSecretText(chart.objects);
  for (const ns of model.namespaces) {
    if (ns.name === SYSTEM_NAMESPACE) continue;
    addNamespace(scope, ns.name, ns.privileged, !ns.name.startsWith(TENANT_PREFIX));
    // The operator's CozyValuesReplicator copies cozy-system/cozystack-values into every system namespace.
    if (!ns.name.startsWith(TENANT_PREFIX)) {
      addObject(scope, GVK.Secret, { name: VALUES_SECRET, namespace: ns.name, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } }, { type: 'Opaque', stringData: { 'values.yaml': valuesText } });
    }
  }
  for (const r of chart.expansion.releases) renderOperatorRelease(scope, model, r, chart.sources.get(r.packageName));
}

function valuesSecretText(objects: readonly { kind: string; metadata: { name: string }; [k: string]: unknown }[]): string {
  const s = objects.find((o) => o.kind === 'Secret' && o.metadata.name === VALUES_SECRET);
  return ((s?.stringData ?? {}) as Record<string, string>)['values.yaml'] ?? '';
}

/** The `cozystack-platform` source, which in operator mode the operator creates from its arguments. */
function renderPlatformSource(scope: Construct, model: PlatformModel): void {
  const s = model.source;
  const spec = compact({ url: s.url, interval: s.interval, ref: s.ref ? { ...s.ref } : undefined, secretRef: s.secretName ? { name: s.secretName } : undefined });
  addObject(scope, s.kind === 'OCIRepository' ? GVK.OCIRepository : GVK.GitRepository, { name: PLATFORM_SOURCE, namespace: SYSTEM_NAMESPACE, labels: { [NO_DELETE_LABEL]: 'true' }, annotations: { ...PRUNE_DISABLED } }, { spec });
}

/** A HelmRelease exactly as the operator's Package controller makes it for a component. */
function renderOperatorRelease(scope: Construct, model: PlatformModel, r: OperatorRelease, source: PackageSourceSpec | undefined): void {
  const t = model.helmRelease;
  const strategy = { name: 'RetryOnFailure', retryInterval: t.retryInterval };
  addObject(
    scope,
    GVK.HelmRelease,
    {
      name: r.releaseName,
      namespace: r.namespace,
      labels: { 'cozystack.io/package': r.packageName, ...(r.privileged ? { 'cozystack.io/privileged': 'true' } : {}) },
      ...(r.valuesFiles.length ? { annotations: { 'cozyhr.cozystack.io/values-files': r.valuesFiles.join(',') } } : {}),
    },
    {
      spec: compact({
        interval: t.interval,
        maxHistory: t.maxHistory,
        chartRef: { kind: 'ExternalArtifact', name: r.artifact, namespace: SYSTEM_NAMESPACE },
        install: { timeout: t.installTimeout, strategy },
        upgrade: compact({ timeout: t.upgradeTimeout, strategy, crds: r.upgradeCRDs }),
        valuesFrom: r.skipCozystackValues || source === undefined ? undefined : [{ kind: 'Secret', name: VALUES_SECRET }],
        values: r.values !== undefined ? (r.values as Values) : undefined,
        dependsOn: r.dependsOn.length ? r.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })) : undefined,
      }),
    },
  );
}

/**
 * The cozystack.io CRDs (PackageSource, Package), so a cluster with only Flux accepts the
 * PackageSources and Packages of the output on the first apply (Flux applies CRDs first). In
 * operator mode the operator installs the same CRDs at start-up.
 */
function renderCrds(scope: Construct): void {
  for (const crd of COZYSTACK_CRDS) {
    const { metadata, ...rest } = crd as { metadata: { name: string; annotations?: Record<string, string> } };
    addObject(scope, GVK.CustomResourceDefinition, { name: metadata.name, annotations: { ...metadata.annotations, ...PRUNE_DISABLED } }, rest);
  }
}

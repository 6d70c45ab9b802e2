/**
 * The platform of a release that delivers the four bundles (Cozystack v0.41): what its platform
 * chart rendered, with the charts taken from the release's own tree. A Git source of the upstream
 * repository at the release's tag stands for the installer's chart server; each installed
 * component is a HelmRelease of its chart folder; every platform namespace gets its
 * `cozystack-values` Secret; and the `cozy-system/cozystack` ConfigMap, which the release's charts
 * read with `lookup` at install time (kube-ovn takes its CIDRs from it), carries the settings.
 */
import type { Construct } from 'constructs';
import { compact } from '../core/values.js';
import { type InstalledComponent, PACKAGES_SOURCE, type PlatformModel, SYSTEM_NAMESPACE, VALUES_SECRET } from '../model/platform-model.js';
import { NO_DELETE_LABEL, PRUNE_DISABLED } from './deletion-guardrail.js';
import { addObject, GVK } from './objects.js';
import { addNamespace, addValuesSecret, chartFields } from './platform-common.js';

/** The ConfigMap of the platform settings that v0.41 charts read. @internal */
export const SETTINGS_CONFIGMAP = 'cozystack';

/** @internal */
export function renderBundlesPlatform(scope: Construct, model: PlatformModel): void {
  const s = model.source;
  addObject(scope, GVK.GitRepository, { name: PACKAGES_SOURCE, namespace: SYSTEM_NAMESPACE, labels: { [NO_DELETE_LABEL]: 'true' }, annotations: { ...PRUNE_DISABLED } }, {
    spec: compact({ url: s.url, interval: s.interval, ref: s.ref ? { ...s.ref } : undefined, secretRef: s.secretName ? { name: s.secretName } : undefined }),
  });
  addObject(scope, GVK.ConfigMap, { name: SETTINGS_CONFIGMAP, namespace: SYSTEM_NAMESPACE, annotations: { ...PRUNE_DISABLED } }, { data: { ...model.config } });
  for (const ns of model.namespaces) {
    addNamespace(scope, ns.name, ns.privileged);
    addValuesSecret(scope, ns.name, { _cluster: model.clusterValues });
  }
  for (const c of model.components) renderRelease(scope, model, c);
}

/** A component's HelmRelease, shaped as the v0.41 platform chart shaped it, its chart from the Git source. */
function renderRelease(scope: Construct, model: PlatformModel, c: InstalledComponent): void {
  const t = model.helmRelease;
  addObject(
    scope,
    GVK.HelmRelease,
    { name: c.releaseName, namespace: c.namespace, labels: { 'cozystack.io/repository': 'system', 'cozystack.io/system-app': 'true' } },
    {
      spec: compact({
        interval: t.interval,
        maxHistory: t.maxHistory,
        releaseName: c.releaseName,
        ...chartFields(model.charts, c.chartPath, '', c.valuesFiles.length ? ['values.yaml', ...c.valuesFiles.filter((f) => f !== 'values.yaml')] : []),
        install: { crds: 'CreateReplace', timeout: t.installTimeout, remediation: { retries: -1 } },
        upgrade: { crds: 'CreateReplace', timeout: t.upgradeTimeout, remediation: { retries: -1 } },
        valuesFrom: [{ kind: 'Secret', name: VALUES_SECRET }],
        values: Object.keys(c.values).length ? c.values : undefined,
        dependsOn: c.dependsOn.length ? c.dependsOn.map((d) => ({ name: d.releaseName, namespace: d.namespace })) : undefined,
      }),
    },
  );
}

/**
 * The objects a tenant has in both renderings: its Namespace and `cozystack-values` Secret, and
 * the HelmRelease the platform's API stores for it.
 */
import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import { type TenantModel, namespaceLabels, namespaceValues, releaseValues, ROOT_TENANT_NAMESPACE } from '../model/tenant-model.js';
import { type ChartSourcing, VALUES_SECRET } from '../model/platform-model.js';
import { addAppRelease } from './app-release.js';
import { PRUNE_DISABLED } from './deletion-guardrail.js';
import { addObject, GVK } from './objects.js';
import { valuesYaml } from './platform-common.js';

/** A tenant's Namespace and its `cozystack-values` Secret. @internal */
export function addNamespaceAndValues(scope: Construct, t: TenantModel, clusterValues: Values): void {
  addObject(scope, GVK.Namespace, { name: t.namespace, labels: namespaceLabels(t), annotations: { 'helm.sh/resource-policy': 'keep', ...PRUNE_DISABLED } });
  addObject(
    scope,
    GVK.Secret,
    { name: VALUES_SECRET, namespace: t.namespace, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
    // `_cluster` sorts before `_namespace`: the text is the platform's `_cluster` part, written
    // once per platform, followed by this tenant's `_namespace` part.
    { type: 'Opaque', stringData: { 'values.yaml': `${clusterValuesText(clusterValues)}${valuesYaml({ _namespace: namespaceValues(t) })}` } },
  );
}

/** The HelmRelease the platform's API stores for a tenant. @internal */
export function addTenantRelease(scope: Construct, t: TenantModel, rootTenantDependsOn: readonly { name: string; namespace: string }[], sourcing: ChartSourcing): void {
  addAppRelease(scope, {
    kind: 'Tenant',
    name: t.isRoot ? ROOT_TENANT_NAMESPACE : t.tenantName,
    releaseName: t.isRoot ? ROOT_TENANT_NAMESPACE : `tenant-${t.tenantName}`,
    namespace: t.parent?.namespace ?? ROOT_TENANT_NAMESPACE,
    chart: 'tenant',
    chartPath: 'apps/tenant',
    sourcing,
    labels: { 'cozystack.io/ui': 'true' },
    values: releaseValues(t),
    ...(t.isRoot ? { dependsOn: rootTenantDependsOn } : {}),
  });
}

const clusterTexts = new WeakMap<Values, string>();

/** The `_cluster` part of every tenant's values text, computed once per platform. */
function clusterValuesText(clusterValues: Values): string {
  let text = clusterTexts.get(clusterValues);
  if (text === undefined) clusterTexts.set(clusterValues, (text = valuesYaml({ _cluster: clusterValues })));
  return text;
}

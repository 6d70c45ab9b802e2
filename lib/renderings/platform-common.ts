/** Objects both deliveries of the platform render: namespaces, values Secrets, and chart references. */
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { compact, type Values } from '../core/values.js';
import { type ChartSourcing, SYSTEM_NAMESPACE, VALUES_SECRET } from '../model/platform-model.js';
import { NO_DELETE_LABEL, PRUNE_DISABLED } from './deletion-guardrail.js';
import { addObject, GVK } from './objects.js';

/** A platform namespace. @internal `cozy-system` is also protected from deletion, as the upstream installer labels it. */
export function addNamespace(scope: Construct, name: string, privileged: boolean, systemLabel = true): void {
  const system = name === SYSTEM_NAMESPACE;
  addObject(scope, GVK.Namespace, {
    name,
    labels: {
      ...(systemLabel ? { 'cozystack.io/system': 'true' } : {}),
      ...(system ? { [NO_DELETE_LABEL]: 'true' } : {}),
      ...(privileged ? { 'pod-security.kubernetes.io/enforce': 'privileged' } : {}),
    },
    // Never deleted by a Flux prune either: deleting a namespace deletes everything in it.
    annotations: { 'helm.sh/resource-policy': 'keep', ...PRUNE_DISABLED },
  });
}

/** The `cozystack-values` Secret of a platform namespace. @internal */
export function addValuesSecret(scope: Construct, namespace: string, values: Values): void {
  addObject(
    scope,
    GVK.Secret,
    { name: VALUES_SECRET, namespace, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
    { type: 'Opaque', stringData: { 'values.yaml': valuesYaml(values) } },
  );
}

/** Values as the YAML text a `cozystack-values` Secret carries (keys sorted). @internal */
export function valuesYaml(values: Values): string {
  return stringify(values, { sortMapEntries: true, lineWidth: 0 });
}

/**
 * How a HelmRelease names its chart: the ExternalArtifact `artifact` (v1.x), or the chart folder
 * `chartPath` (e.g. `system/cilium`) of the Git source (v0.41), with its values files as paths in
 * that source. @internal
 */
export function chartFields(sourcing: ChartSourcing, chartPath: string, artifact: string, valuesFiles: readonly string[] = []): Record<string, unknown> {
  if (sourcing.kind === 'artifacts') return { chartRef: { kind: 'ExternalArtifact', name: artifact, namespace: SYSTEM_NAMESPACE } };
  const folder = [sourcing.basePath, chartPath].filter(Boolean).join('/');
  return {
    chart: {
      spec: compact({
        chart: folder,
        reconcileStrategy: 'Revision',
        sourceRef: { kind: 'GitRepository', name: sourcing.name, namespace: sourcing.namespace },
        valuesFiles: valuesFiles.length ? valuesFiles.map((f) => `${folder}/${f}`) : undefined,
      }),
    },
  };
}

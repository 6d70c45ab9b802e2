/** A synthesized Kubernetes object. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Kinds that are cluster-scoped among those the library emits. */
const CLUSTER_SCOPED = new Set(['Namespace', 'PackageSource', 'Package', 'ClusterRole', 'ClusterRoleBinding', 'CiliumClusterwideNetworkPolicy',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'CustomResourceDefinition']);

/** True when objects of this kind have no namespace. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** `kind/namespace/name`, the identity of an object in a cluster. */
export function objectKey(o: KubeObject): string {
  return `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

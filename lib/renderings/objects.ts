import { ApiObject, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';
import { Package as PackageObject, PackageSource as PackageSourceObject } from '../../imports/cozystack.io.js';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io.js';
import { Kustomization } from '../../imports/kustomize.toolkit.fluxcd.io.js';
import { ArtifactGenerator } from '../../imports/source.extensions.fluxcd.io.js';
import { GitRepository, OciRepository } from '../../imports/source.toolkit.fluxcd.io.js';
import { LIBRARY_OBJECTS } from '../core/library-objects.js';

/** Kinds the library emits, by short name. @internal */
export const GVK = {
  Namespace: { apiVersion: 'v1', kind: 'Namespace' },
  Secret: { apiVersion: 'v1', kind: 'Secret' },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  ResourceQuota: { apiVersion: 'v1', kind: 'ResourceQuota' },
  LimitRange: { apiVersion: 'v1', kind: 'LimitRange' },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  CiliumNetworkPolicy: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy' },
  HelmRelease: HelmRelease.GVK,
  OCIRepository: OciRepository.GVK,
  GitRepository: GitRepository.GVK,
  ArtifactGenerator: ArtifactGenerator.GVK,
  PackageSource: PackageSourceObject.GVK,
  Package: PackageObject.GVK,
  Kustomization: Kustomization.GVK,
  CustomResourceDefinition: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
} satisfies Record<string, GroupVersionKind>;

/** Object metadata as the library writes it. @internal */
export interface Metadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Adds a plain Kubernetes object to the tree. The construct id is derived from kind, namespace
 * and name, so each object appears once per scope.
 * @internal
 */
export function addObject(scope: Construct, gvk: GroupVersionKind, metadata: Metadata, body: Record<string, unknown> = {}): ApiObject {
  const id = `${gvk.kind}:${metadata.namespace ?? ''}:${metadata.name}`;
  const o = new ApiObject(scope, id, { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata: { ...metadata }, ...body });
  LIBRARY_OBJECTS.add(o);
  return o;
}

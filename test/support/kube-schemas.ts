// Validates core Kubernetes objects offline against the Kubernetes OpenAPI schema, through
// kubernetes-models (which ships the schemas and an ajv validator).
import { ConfigMap, LimitRange, Namespace, ResourceQuota, Secret, ServiceAccount } from 'kubernetes-models/v1';
import { Role, RoleBinding, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';

type Model = new (o: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'v1/ResourceQuota': ResourceQuota as unknown as Model,
  'v1/LimitRange': LimitRange as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition as unknown as Model,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy as unknown as Model,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding as unknown as Model,
};

/** Top-level fields per kind (the models do not reject unknown fields themselves). */
const TOP_LEVEL: Record<string, string[]> = {
  Namespace: ['spec'], Secret: ['type', 'data', 'stringData', 'immutable'], ConfigMap: ['data', 'binaryData', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'], ResourceQuota: ['spec'], LimitRange: ['spec'],
  Role: ['rules'], RoleBinding: ['subjects', 'roleRef'], ClusterRoleBinding: ['subjects', 'roleRef'], Deployment: ['spec'], CustomResourceDefinition: ['spec', 'status'],
  ValidatingAdmissionPolicy: ['spec'], ValidatingAdmissionPolicyBinding: ['spec'],
};

/** Errors of a core Kubernetes object, or undefined when its kind is not covered. */
export function validateKubeObject(o: { apiVersion: string; kind: string; metadata?: { name?: string } }): string[] | undefined {
  const M = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!M) return undefined;
  const extra = Object.keys(o).filter((k) => !['apiVersion', 'kind', 'metadata', ...(TOP_LEVEL[o.kind] ?? [])].includes(k));
  if (extra.length) return [`${o.kind} ${o.metadata?.name}: unknown fields ${extra.join(', ')}`];
  try {
    new M(JSON.parse(JSON.stringify(o)) as never).validate();
    return [];
  } catch (e) {
    return [`${o.kind} ${o.metadata?.name}: ${(e as Error).message}`];
  }
}

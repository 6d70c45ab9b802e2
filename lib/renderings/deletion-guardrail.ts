import type { GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';
import { addObject } from './objects.js';

/** Label that marks an object the deletion guardrail protects. */
export const NO_DELETE_LABEL = 'platform.cozystack.io/no-delete';
/** Name of the ValidatingAdmissionPolicy and of its binding. */
export const GUARDRAIL_NAME = 'cozystack-no-delete-guardrail';
/**
 * Annotation that keeps Flux from deleting an object that leaves the output: the Flux
 * counterpart of `helm.sh/resource-policy: keep`, and what keeps a prune from running into the
 * guardrail.
 */
export const PRUNE_DISABLED: Readonly<Record<string, string>> = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

const VALIDATING_ADMISSION_POLICY: GroupVersionKind = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' };
const VALIDATING_ADMISSION_POLICY_BINDING: GroupVersionKind = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' };

/**
 * The deletion guardrail of the upstream platform: a ValidatingAdmissionPolicy that denies every
 * DELETE, bound only to objects labelled `platform.cozystack.io/no-delete: "true"`. Both objects
 * carry the label themselves. Needs Kubernetes 1.30 or later.
 * @internal
 */
export function renderDeletionGuardrail(scope: Construct): void {
  const metadata = { name: GUARDRAIL_NAME, labels: { [NO_DELETE_LABEL]: 'true' } };
  addObject(scope, VALIDATING_ADMISSION_POLICY, metadata, {
    spec: {
      matchConstraints: {
        resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['DELETE'], resources: ['*/*'], scope: '*' }],
      },
      validations: [
        {
          expression: 'false',
          message:
            `deletion denied: the object is labelled ${NO_DELETE_LABEL}=true. To delete it, remove the label first: ` +
            `kubectl label <kind> <name> [--namespace <namespace>] ${NO_DELETE_LABEL}-`,
        },
      ],
    },
  });
  addObject(scope, VALIDATING_ADMISSION_POLICY_BINDING, metadata, {
    spec: {
      policyName: GUARDRAIL_NAME,
      validationActions: ['Deny'],
      matchResources: { objectSelector: { matchLabels: { [NO_DELETE_LABEL]: 'true' } } },
    },
  });
}

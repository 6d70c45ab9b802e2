
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

import { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import { Problems } from '../core/errors.js';
import { compact } from '../core/values.js';
import { isDnsSubdomain, isGitBranch, isGoDuration } from '../core/predicates.js';

/** Namespace of Flux itself. */
export const FLUX_NAMESPACE = 'flux-system';

/** Where Flux finds the synthesized tree in Git. */
export interface GitOpsProps {
  /** URL of the Git repository that holds the output (https:// or ssh://). */
  readonly url: string;
  /** Branch. @default 'main' */
  readonly branch?: string;
  /** Folder of the output inside the repository. @default '.' */
  readonly path?: string;
  /** How often Flux reconciles. @default '5m' */
  readonly interval?: string;
  /** Secret in flux-system with Git credentials. @default - none */
  readonly secretName?: string;
}

/**
 * The Flux objects that hand the output to a cluster: a GitRepository of the repository that holds
 * it, a Kustomization of its `platform/` folder and one of its `tenants/` folder that waits for
 * the platform. Apply them once (`kubectl apply -k <out>/flux-system`); Flux applies the rest.
 */
export class GitOpsBootstrap extends Construct {
  constructor(scope: Construct, id: string, props: GitOpsProps) {
    super(scope, id);
    const p = new Problems(`GitOps ${this.node.path}`);
    if (!/^(https?|ssh):\/\/\S+$/.test(props.url ?? '')) p.add('url', `'${props.url}' is not a Git URL (https:// or ssh://)`, 'invalid-url');
    const interval = props.interval ?? '5m';
    if (!isGoDuration(interval)) p.add('interval', `'${interval}' is not a Go duration`, 'invalid-duration');
    if (props.secretName !== undefined && !isDnsSubdomain(props.secretName)) p.add('secretName', `'${props.secretName}' is not a valid Secret name (lowercase DNS subdomain)`, 'invalid-name');
    if (props.branch !== undefined && !isGitBranch(props.branch)) p.add('branch', `'${props.branch}' is not a valid branch name`, 'invalid-ref');
    const path = normalize(props.path ?? '.');
    if (path.split('/').includes('..')) p.add('path', `'${props.path}' leaves the repository`, 'invalid-path');
    p.throwIfAny();
    const name = 'cozystack-gitops';
    addObject(this, GVK.GitRepository, { name, namespace: FLUX_NAMESPACE }, {
      spec: compact({ url: props.url, interval, ref: { branch: props.branch ?? 'main' }, secretRef: props.secretName ? { name: props.secretName } : undefined }),
    });
    const kustomization = (n: string, folder: string, dependsOn?: string) =>
      addObject(this, GVK.Kustomization, { name: n, namespace: FLUX_NAMESPACE }, {
        spec: compact({
          interval,
          path: `./${[path, folder].filter((x) => x !== '.').join('/')}`,
          prune: true,
          sourceRef: { kind: 'GitRepository', name },
          dependsOn: dependsOn ? [{ name: dependsOn }] : undefined,
        }),
      });
    kustomization('cozystack-platform', 'platform');
    kustomization('cozystack-tenants', 'tenants', 'cozystack-platform');
  }
}

function normalize(p: string): string {
  const parts = p.split('/').filter((x) => x && x !== '.');
  return parts.length ? parts.join('/') : '.';
}

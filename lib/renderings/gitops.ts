import type { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { addObject, GVK } from './objects.js';
import { Problems } from '../core/errors.js';
import { compact } from '../core/values.js';
import { isDnsSubdomain, isGitBranch, isGoDuration } from '../core/predicates.js';

/** Namespace of Flux itself. */
export const FLUX_NAMESPACE = 'flux-system';

/** Name of the Flux Kustomization that applies the credentials Secrets of `secrets/` (with SOPS). */
export const CREDENTIALS_KUSTOMIZATION = 'cozystack-credentials';
/**
 * The Secret in flux-system with the private keys kustomize-controller decrypts `secrets/` with
 * (an age key under a name ending in `.agekey`, a PGP key under one ending in `.asc`).
 */
export const SOPS_KEYS_SECRET = 'sops-age';

/** The bootstraps made in each construct tree (by the tree's root). */
const BOOTSTRAPS = new WeakMap<IConstruct, GitOpsBootstrap[]>();

/** The GitOps bootstraps of the construct tree `scope` belongs to, in the order they were made. @internal */
export function gitOpsBootstraps(scope: IConstruct): readonly GitOpsBootstrap[] {
  return BOOTSTRAPS.get(scope.node.root) ?? [];
}

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
  /** The URL of the repository, as given. */
  public readonly url: string;
  private readonly folder: (name: string) => string;
  private readonly interval: string;
  private credentials?: ApiObject;

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
    this.interval = interval;
    this.url = props.url;
    this.folder = (folder) => `./${[path, folder].filter((x) => x !== '.').join('/')}`;
    const name = 'cozystack-gitops';
    addObject(this, GVK.GitRepository, { name, namespace: FLUX_NAMESPACE }, {
      spec: compact({ url: props.url, interval, ref: { branch: props.branch ?? 'main' }, secretRef: props.secretName ? { name: props.secretName } : undefined }),
    });
    const kustomization = (n: string, folder: string, dependsOn?: string) =>
      addObject(this, GVK.Kustomization, { name: n, namespace: FLUX_NAMESPACE }, {
        spec: compact({
          interval,
          path: this.folder(folder),
          prune: true,
          sourceRef: { kind: 'GitRepository', name },
          dependsOn: dependsOn ? [{ name: dependsOn }] : undefined,
        }),
      });
    kustomization('cozystack-platform', 'platform');
    kustomization('cozystack-tenants', 'tenants', 'cozystack-platform');
    const known = BOOTSTRAPS.get(this.node.root);
    if (known) known.push(this);
    else BOOTSTRAPS.set(this.node.root, [this]);
  }

  /**
   * Adds (once) the Kustomization `cozystack-credentials` of the output's `secrets/` folder,
   * decrypted by kustomize-controller with SOPS (`decryption: {provider: sops, secretRef:
   * sops-age}`), after `cozystack-platform`. The HelmReleases that read those Secrets are not
   * marked optional: helm-controller retries them until the Secrets exist. Returns the object when
   * it was made by this call.
   * @internal
   */
  public _addCredentialsKustomization(): ApiObject | undefined {
    if (this.credentials) return undefined;
    this.credentials = addObject(this, GVK.Kustomization, { name: CREDENTIALS_KUSTOMIZATION, namespace: FLUX_NAMESPACE }, {
      spec: {
        interval: this.interval,
        path: this.folder('secrets'),
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'cozystack-gitops' },
        decryption: { provider: 'sops', secretRef: { name: SOPS_KEYS_SECRET } },
        dependsOn: [{ name: 'cozystack-platform' }],
      },
    });
    return this.credentials;
  }
}

function normalize(p: string): string {
  const parts = p.split('/').filter((x) => x && x !== '.');
  return parts.length ? parts.join('/') : '.';
}

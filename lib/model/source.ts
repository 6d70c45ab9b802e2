import { Problems } from '../core/errors.js';
import { isDnsSubdomain, isGitBranch, isGoDuration } from '../core/predicates.js';
import { DEFAULT_RELEASE, type ReleaseProfile } from '../releases/profiles.js';

/** The upstream artifact that carries every Cozystack chart (of a v1.x release). */
export const DEFAULT_SOURCE_URL = DEFAULT_RELEASE.platformSource!.url;
/** The artifact digest the installer of the default release pins. */
export const DEFAULT_SOURCE_DIGEST = DEFAULT_RELEASE.platformSource!.digest;
/** The upstream repository: the source of a release that delivers bundles (v0.41), at its tag. */
export const UPSTREAM_REPOSITORY = 'https://github.com/cozystack/cozystack';

/**
 * Which revision of the platform source to use. For an OCI source give one of `digest`, `tag`
 * or `semver` (with an optional `semverFilter`); for a Git source `branch`, `tag`, `semver`,
 * `name` or `commit` (a commit may be combined with a branch).
 */
export interface PlatformSourceRef {
  /** OCI: the artifact digest, `sha256:<64 hex>`. @default - none */
  readonly digest?: string;
  /** OCI or Git: a tag. @default - none */
  readonly tag?: string;
  /** OCI or Git: a semver range, e.g. `>=1.6.0 <1.7.0`. @default - none */
  readonly semver?: string;
  /** OCI: a regular expression that filters the tags the semver range picks from. @default - none */
  readonly semverFilter?: string;
  /** Git: a branch. @default - none */
  readonly branch?: string;
  /** Git: a commit SHA. @default - none */
  readonly commit?: string;
  /** Git: a reference name, e.g. `refs/heads/main`. @default - none */
  readonly name?: string;
}

/**
 * Where the platform's charts come from: an OCI artifact (`oci://...`) or a Git repository
 * (`https://`, `http://` or `ssh://`).
 */
export interface PlatformSourceProps {
  /**
   * URL of the platform artifact or repository.
   * @default - 'oci://ghcr.io/cozystack/cozystack/cozystack-packages' for a v1.x release; for 0.41.11, the upstream repository 'https://github.com/cozystack/cozystack'
   */
  readonly url?: string;
  /**
   * The revision to follow.
   * @default - `tag: v<version>` when the platform's `version` is set; otherwise, for the default URL, the digest the installer of the default release (1.6.2) pins, and none (the source's latest) for any other URL
   */
  readonly ref?: PlatformSourceRef;
  /**
   * Name of a Secret in `cozy-system` with credentials for the source.
   * @default - no credentials
   */
  readonly secretName?: string;
  /**
   * How often Flux checks the source, as a Go duration.
   * @default '5m'
   */
  readonly interval?: string;
}

/** The platform source after validation. @internal */
export interface ResolvedSource {
  readonly kind: 'OCIRepository' | 'GitRepository';
  readonly url: string;
  readonly ref?: Readonly<Record<string, string>>;
  readonly secretName?: string;
  readonly interval: string;
  /** Folder of the packages inside the source ('' for the artifact root). */
  readonly basePath: string;
}

/** Ref keys of an OCI source, in the order the library writes them. @internal */
export const OCI_KEYS = ['digest', 'tag', 'semver', 'semverFilter'] as const;
/** Ref keys of a Git source, in the order the library writes them. @internal */
export const GIT_KEYS = ['branch', 'tag', 'semver', 'name', 'commit'] as const;

/**
 * Validates the source settings and fills defaults from the release: its artifact (v1.x) or the
 * upstream repository (v0.41). `versionTag` (e.g. `v1.6.0`, when the platform names its version)
 * is the ref when none is given.
 * @internal
 */
export function resolveSource(props: PlatformSourceProps | undefined, problems: Problems, path = 'source', versionTag?: string, release: ReleaseProfile = DEFAULT_RELEASE): ResolvedSource {
  const bundles = release.delivery === 'bundles';
  const url = props?.url ?? (bundles ? UPSTREAM_REPOSITORY : DEFAULT_SOURCE_URL);
  const interval = props?.interval ?? '5m';
  if (!isGoDuration(interval)) problems.add(`${path}.interval`, `'${interval}' is not a Go duration (expected e.g. '5m')`, 'invalid-duration');
  if (props?.secretName !== undefined && !isDnsSubdomain(props.secretName)) {
    problems.add(`${path}.secretName`, `'${props.secretName}' is not a valid Secret name (lowercase DNS subdomain)`, 'invalid-name');
  }
  const ref: Record<string, string> = {};
  for (const [k, v] of Object.entries(props?.ref ?? {})) if (v !== undefined) ref[k] = v;

  let kind: ResolvedSource['kind'];
  if (url.startsWith('oci://')) {
    kind = 'OCIRepository';
    if (!/^oci:\/\/[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(url)) {
      problems.add(`${path}.url`, `'${url}' is not an OCI repository URL (expected oci://<registry>/<path>)`, 'invalid-url');
    }
    checkKeys(ref, OCI_KEYS, 'an OCI source', problems, path);
    const chosen = ['digest', 'tag', 'semver'].filter((k) => k in ref);
    if (chosen.length > 1) problems.add(`${path}.ref`, `give one of digest, tag or semver, not ${chosen.join(' and ')}`, 'ambiguous-ref');
    if (ref.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(ref.digest)) {
      problems.add(`${path}.ref.digest`, `'${ref.digest}' is not a digest (expected sha256:<64 hex digits>)`, 'invalid-ref');
    }
    if (ref.tag !== undefined && ref.tag !== '' && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(ref.tag)) {
      problems.add(`${path}.ref.tag`, `'${ref.tag}' is not an OCI tag`, 'invalid-ref');
    }
    if (ref.semverFilter !== undefined && ref.semver === undefined) {
      problems.add(`${path}.ref.semverFilter`, 'semverFilter needs semver', 'invalid-ref');
    }
  } else {
    kind = 'GitRepository';
    let ok = false;
    try {
      const u = new URL(url);
      ok = ['https:', 'http:', 'ssh:'].includes(u.protocol) && u.hostname.length > 0;
    } catch {
      ok = false;
    }
    if (!ok) problems.add(`${path}.url`, `'${url}' is neither an oci:// URL nor a Git URL (https://, http:// or ssh://)`, 'invalid-url');
    checkKeys(ref, GIT_KEYS, 'a Git source', problems, path);
    if (ref.commit !== undefined && !/^[a-f0-9]{7,40}$/.test(ref.commit)) {
      problems.add(`${path}.ref.commit`, `'${ref.commit}' is not a commit SHA (7 to 40 hex digits)`, 'invalid-ref');
    }
    if (ref.branch !== undefined && !isGitBranch(ref.branch)) {
      problems.add(`${path}.ref.branch`, `'${ref.branch}' is not a valid branch name`, 'invalid-ref');
    }
  }
  for (const [k, v] of Object.entries(ref)) {
    if (typeof v !== 'string' || v.length === 0) problems.add(`${path}.ref.${k}`, 'expected a non-empty string', 'invalid-ref');
  }
  let defaulted: Record<string, string> | undefined;
  if (props?.ref === undefined) {
    if (bundles && url === UPSTREAM_REPOSITORY) defaulted = { tag: release.tag };
    else if (versionTag !== undefined) defaulted = { tag: versionTag };
    else if (url === DEFAULT_SOURCE_URL) defaulted = { digest: DEFAULT_SOURCE_DIGEST };
  }
  const finalRef = defaulted ?? (Object.keys(ref).length ? ref : undefined);
  return {
    kind,
    url,
    interval,
    basePath: kind === 'GitRepository' ? 'packages' : '',
    ...(finalRef ? { ref: finalRef } : {}),
    ...(props?.secretName !== undefined ? { secretName: props.secretName } : {}),
  };
}

function checkKeys(ref: Record<string, string>, allowed: readonly string[], what: string, problems: Problems, path: string): void {
  for (const k of Object.keys(ref)) {
    if (!allowed.includes(k)) problems.add(`${path}.ref.${k}`, `'${k}' is not a ref of ${what} (expected one of ${allowed.join(', ')})`, 'invalid-ref');
  }
}

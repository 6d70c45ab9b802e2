// lib/model/source.ts (resolveSource) by the rules its settings document (PlatformSourceProps,
// README "source.ref"): an `oci://<registry>/<path>` artifact or a Git URL (`https://`, `http://`,
// `ssh://`); OCI refs `digest` (`sha256:<64 hex>`), `tag` (the OCI distribution tag grammar
// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`), `semver` with an optional `semverFilter`, one of the first
// three only; Git refs `branch` (git check-ref-format), `tag`, `semver`, `name`, `commit` (7 to 40
// hex digits); `interval` a Go duration, `5m` by default; `secretName` a DNS subdomain. Defaults:
// `tag: v<version>` when the version is named, the installer's digest for the default artifact,
// and for v0.41.11 the upstream repository at its tag, the charts under `packages/`.
import { describe, expect, it } from 'vitest';
import { Problems } from '../lib/core/errors.js';
import { DEFAULT_SOURCE_DIGEST, DEFAULT_SOURCE_URL, resolveSource, UPSTREAM_REPOSITORY, type PlatformSourceProps } from '../lib/model/source.js';
import { releaseOf } from '../lib/releases/profiles.js';

const resolve = (props: PlatformSourceProps | undefined, versionTag?: string, version?: string) => {
  const p = new Problems('platform');
  const release = version === undefined ? undefined : releaseOf(version)!;
  const r = release ? resolveSource(props, p, 'source', versionTag, release) : resolveSource(props, p, 'source', versionTag);
  return { r, problems: p.problems.map((x) => `${x.path} [${x.rule}] ${x.message}`) };
};
const problemsOf = (props: PlatformSourceProps): string[] => resolve(props).problems;
const hex = (n: number): string => 'a1b2c3d4e5f6'.repeat(10).slice(0, n);
const OCI = 'oci://ghcr.io/cozystack/cozystack/cozystack-packages';

describe('the default platform source', () => {
  it('is the release artifact at the installer digest, an OCIRepository at the artifact root, every 5m', () => {
    expect(DEFAULT_SOURCE_URL).toBe(OCI);
    expect(DEFAULT_SOURCE_DIGEST).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(resolve(undefined)).toEqual({ r: { kind: 'OCIRepository', url: OCI, interval: '5m', basePath: '', ref: { digest: DEFAULT_SOURCE_DIGEST } }, problems: [] });
  });

  it('follows tag v<version> when the version is named, for the default URL and any other', () => {
    expect(resolve(undefined, 'v1.6.0').r.ref).toEqual({ tag: 'v1.6.0' });
    expect(resolve({ url: 'oci://registry.example/mirror/packages' }, 'v1.6.0').r.ref).toEqual({ tag: 'v1.6.0' });
  });

  it('has no ref for another URL without a version (the source latest), and keeps a given ref as given', () => {
    expect(resolve({ url: 'oci://registry.example/mirror/packages' }).r).toEqual({ kind: 'OCIRepository', url: 'oci://registry.example/mirror/packages', interval: '5m', basePath: '' });
    expect(resolve({ ref: { tag: 'v1.6.2' } }, 'v1.6.0').r.ref).toEqual({ tag: 'v1.6.2' });
    const unset = resolve({ ref: { semver: '>=1.6.0 <1.7.0', semverFilter: '^v', tag: undefined } });
    expect(unset.problems).toEqual([]);
    expect(Object.keys(unset.r.ref!)).toEqual(['semver', 'semverFilter']);
  });

  it('is the upstream repository at the release tag for v0.41.11, charts under packages/', () => {
    expect(UPSTREAM_REPOSITORY).toBe('https://github.com/cozystack/cozystack');
    expect(resolve(undefined, undefined, '0.41.11').r).toEqual({ kind: 'GitRepository', url: UPSTREAM_REPOSITORY, interval: '5m', basePath: 'packages', ref: { tag: 'v0.41.11' } });
    expect(resolve(undefined, 'v0.41.11', '0.41.11').r.ref).toEqual({ tag: 'v0.41.11' });
    expect(resolve({ url: 'https://git.example/fork.git' }, undefined, '0.41.11').r).toEqual({ kind: 'GitRepository', url: 'https://git.example/fork.git', interval: '5m', basePath: 'packages' });
  });

  it('passes the interval and the Secret name through', () => {
    expect(resolve({ interval: '1h30m', secretName: 'packages-pull.creds' }).r).toMatchObject({ interval: '1h30m', secretName: 'packages-pull.creds' });
    expect('secretName' in resolve({}).r).toBe(false);
  });
});

describe('source settings that break a rule', () => {
  it('an interval that is not a Go duration, a Secret name that is not a DNS subdomain', () => {
    expect(problemsOf({ interval: '5 minutes' })).toEqual(["source.interval [invalid-duration] '5 minutes' is not a Go duration (expected e.g. '5m')"]);
    expect(problemsOf({ secretName: 'Pull_Creds' })).toEqual(["source.secretName [invalid-name] 'Pull_Creds' is not a valid Secret name (lowercase DNS subdomain)"]);
  });

  it('names problems under the path it is given', () => {
    const p = new Problems('platform');
    resolveSource({ interval: 'x' }, p, 'spec.source');
    expect(p.problems.map((x) => x.path)).toEqual(['spec.source.interval']);
    const q = new Problems('platform');
    resolveSource({ interval: 'x' }, q);
    expect(q.problems.map((x) => x.path)).toEqual(['source.interval']);
  });

  it('OCI URLs: oci://<registry>[:port]/<path>, lowercase, no empty segment', () => {
    for (const ok of [OCI, 'oci://registry.example:5000/packages', 'oci://r-1.example/a/b_c/d.e']) expect(problemsOf({ url: ok })).toEqual([]);
    for (const bad of ['oci://ghcr.io', 'oci://ghcr.io/', 'oci://ghcr.io/cozystack/', 'oci://GHCR.io/x', 'oci://ghcr.io/cozystack/Packages', 'oci://ghcr.io:port/x', 'oci://ghcr.io/a b']) {
      expect(problemsOf({ url: bad }), bad).toEqual([`source.url [invalid-url] '${bad}' is not an OCI repository URL (expected oci://<registry>/<path>)`]);
    }
  });

  it('Git URLs: https, http and ssh with a host; anything else is refused', () => {
    for (const ok of ['https://git.example/c.git', 'http://git.example/c.git', 'ssh://git@git.example/c.git']) expect(problemsOf({ url: ok }), ok).toEqual([]);
    for (const bad of ['ftp://git.example/c.git', 'file:///srv/c.git', 'ssh:///srv/c.git', 'git.example/c.git', 'OCI://ghcr.io/x', '']) {
      expect(problemsOf({ url: bad }), bad).toEqual([`source.url [invalid-url] '${bad}' is neither an oci:// URL nor a Git URL (https://, http:// or ssh://)`]);
    }
    expect(resolve({ url: 'ssh://git@git.example/c.git' }).r).toEqual({ kind: 'GitRepository', url: 'ssh://git@git.example/c.git', interval: '5m', basePath: 'packages' });
  });

  it('OCI refs: one of digest, tag or semver; no Git keys', () => {
    expect(problemsOf({ ref: { digest: DEFAULT_SOURCE_DIGEST, tag: 'v1' } })).toEqual(['source.ref [ambiguous-ref] give one of digest, tag or semver, not digest and tag']);
    expect(problemsOf({ ref: { tag: 'v1', semver: '>=1' } })).toEqual(['source.ref [ambiguous-ref] give one of digest, tag or semver, not tag and semver']);
    expect(problemsOf({ ref: { semver: '>=1', semverFilter: '.*' } })).toEqual([]);
    expect(problemsOf({ ref: { branch: 'main' } })).toEqual(["source.ref.branch [invalid-ref] 'branch' is not a ref of an OCI source (expected one of digest, tag, semver, semverFilter)"]);
    expect(problemsOf({ ref: { semverFilter: '^v1' } })).toEqual(['source.ref.semverFilter [invalid-ref] semverFilter needs semver']);
  });

  it('OCI digests: sha256 and exactly 64 lowercase hex digits', () => {
    expect(problemsOf({ ref: { digest: `sha256:${hex(64)}` } })).toEqual([]);
    for (const bad of [`sha256:${hex(63)}`, `sha256:${hex(65)}`, `sha256:${hex(64).toUpperCase()}`, `sha512:${hex(64)}`, `x-sha256:${hex(64)}`]) {
      expect(problemsOf({ ref: { digest: bad } }), bad).toEqual([`source.ref.digest [invalid-ref] '${bad}' is not a digest (expected sha256:<64 hex digits>)`]);
    }
  });

  it('OCI tags: a word character first, then up to 127 of [A-Za-z0-9_.-]', () => {
    for (const ok of ['v1.6.2', '_x', 'A', `v${'1'.repeat(127)}`]) expect(problemsOf({ ref: { tag: ok } }), ok).toEqual([]);
    for (const bad of ['.v1', '-v1', `v${'1'.repeat(128)}`, 'v1+build', 'v 1']) {
      expect(problemsOf({ ref: { tag: bad } }), bad).toEqual([`source.ref.tag [invalid-ref] '${bad}' is not an OCI tag`]);
    }
  });

  it('an empty ref value is refused once, by name', () => {
    expect(problemsOf({ ref: { tag: '' } })).toEqual(['source.ref.tag [invalid-ref] expected a non-empty string']);
    expect(problemsOf({ url: 'https://git.example/c.git', ref: { name: '' } })).toEqual(['source.ref.name [invalid-ref] expected a non-empty string']);
    expect(problemsOf({ ref: { tag: 5 as unknown as string } })).toEqual(['source.ref.tag [invalid-ref] expected a non-empty string']);
  });

  it('Git refs: branch, tag, semver, name, commit (7 to 40 hex digits, also with a branch); no OCI keys', () => {
    const git = (ref: PlatformSourceProps['ref']): string[] => problemsOf({ url: 'https://git.example/c.git', ref });
    expect(git({ branch: 'release/1.6', commit: hex(40) })).toEqual([]);
    expect(git({ commit: hex(7) })).toEqual([]);
    expect(resolve({ url: 'https://git.example/c.git', ref: { name: 'refs/heads/main' } }).r.ref).toEqual({ name: 'refs/heads/main' });
    for (const bad of [hex(6), hex(41), hex(8).toUpperCase(), `x${hex(8)}`, `${hex(8)}g`]) {
      expect(git({ commit: bad }), bad).toEqual([`source.ref.commit [invalid-ref] '${bad}' is not a commit SHA (7 to 40 hex digits)`]);
    }
    expect(git({ branch: 'a..b' })).toEqual(["source.ref.branch [invalid-ref] 'a..b' is not a valid branch name"]);
    expect(git({ digest: DEFAULT_SOURCE_DIGEST })).toEqual(["source.ref.digest [invalid-ref] 'digest' is not a ref of a Git source (expected one of branch, tag, semver, name, commit)"]);
    expect(git({ semverFilter: 'x' })).toEqual(["source.ref.semverFilter [invalid-ref] 'semverFilter' is not a ref of a Git source (expected one of branch, tag, semver, name, commit)"]);
  });
});

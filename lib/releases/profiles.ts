/**
 * The release profiles: what the library knows of each pinned upstream release, read from the
 * generated data in releases/index.ts (scripts/gen-releases.ts, from releases/<tag>/). Code asks a
 * profile what its release has; no code outside this layer compares version strings.
 */
import { RELEASE_DATA } from '../../releases/index.js';

/**
 * How a release delivers its system components:
 * - `bundles`: the four bundles of v0.41, whose charts the installer served (here: a Git source of
 *   the upstream repository at the release's tag) and one HelmRelease per component;
 * - `packages`: v1.x, PackageSources and Packages of the cozystack operator, charts from the
 *   release's OCI artifact.
 */
export type ReleaseDelivery = 'bundles' | 'packages';

/** One pinned upstream release. */
export interface ReleaseProfile {
  /** The version as the Platform's `version` names it, e.g. `1.6.2`. */
  readonly version: string;
  /** The upstream tag, e.g. `v1.6.2`. */
  readonly tag: string;
  /** The upstream commit of the tag. */
  readonly commit: string;
  /** How the release delivers its components. */
  readonly delivery: ReleaseDelivery;
  /** `migrations.targetVersion` of the release's platform chart (the `cozystack-version` data version); packages releases only. */
  readonly migrationsTargetVersion?: number;
  /** The operator image the release's installer pins; packages releases only. */
  readonly operatorImage?: string;
  /** The OCI artifact of the release's charts and the digest its installer pins; packages releases only. */
  readonly platformSource?: { readonly url: string; readonly digest: string };
  /** Chart folders of the release, relative to `packages/` (e.g. `system/cilium`). */
  readonly charts: ReadonlySet<string>;
}

interface RawRelease {
  readonly version: string;
  readonly tag: string;
  readonly commit: string;
  readonly delivery: string;
  readonly migrationsTargetVersion?: number;
  readonly operatorImage?: string;
  readonly platformSourceUrl?: string;
  readonly platformSourceDigest?: string;
  readonly charts: readonly string[];
}

function profile(r: RawRelease): ReleaseProfile {
  if (r.delivery !== 'bundles' && r.delivery !== 'packages') throw new Error(`releases/index.ts: release ${r.version} has an unknown delivery '${r.delivery}'`);
  return {
    version: r.version,
    tag: r.tag,
    commit: r.commit,
    delivery: r.delivery,
    ...(r.migrationsTargetVersion !== undefined ? { migrationsTargetVersion: r.migrationsTargetVersion } : {}),
    ...(r.operatorImage !== undefined ? { operatorImage: r.operatorImage } : {}),
    ...(r.platformSourceUrl !== undefined && r.platformSourceDigest !== undefined ? { platformSource: { url: r.platformSourceUrl, digest: r.platformSourceDigest } } : {}),
    charts: new Set(r.charts),
  };
}

const DATA: readonly RawRelease[] = RELEASE_DATA;

/** Every pinned release, oldest first. */
export const RELEASES: readonly ReleaseProfile[] = DATA.map(profile);

/** The newest pinned release: the default. */
export const DEFAULT_RELEASE: ReleaseProfile = RELEASES[RELEASES.length - 1]!;

/** The profile of a version, if it is pinned. */
export function releaseOf(version: string): ReleaseProfile | undefined {
  return RELEASES.find((r) => r.version === version);
}

/** The releases that deliver their components a given way, as versions. */
export function versionsWith(delivery: ReleaseDelivery): string[] {
  return RELEASES.filter((r) => r.delivery === delivery).map((r) => r.version);
}

import { DEFAULT_RELEASE, RELEASES } from './profiles.js';

/** The ConfigMap in which the platform records the data version its migrations reached. */
export const VERSION_CONFIGMAP = 'cozystack-version';

/** The Cozystack release a platform pins when it names none: the newest pinned release. */
export const DEFAULT_PLATFORM_VERSION: string = DEFAULT_RELEASE.version;

/** The releases the library knows (has a profile of), oldest first. */
export const KNOWN_RELEASES: readonly string[] = RELEASES.map((r) => r.version);

/** The migration target of a release, if known. @internal */
export function migrationTargetOf(version: string): number | undefined {
  return RELEASES.find((r) => r.version === version)?.migrationsTargetVersion;
}

/** A Cozystack release version as the library takes it: `X.Y.Z` or `X.Y.Z-<prerelease>`, no leading `v`. */
export function isPlatformVersion(s: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$/.test(s);
}

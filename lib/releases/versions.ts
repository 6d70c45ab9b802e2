/** The ConfigMap in which the platform records the data version its migrations reached. */
export const VERSION_CONFIGMAP = 'cozystack-version';

/** The Cozystack release the library's defaults (artifact digest, operator image) pin. */
export const DEFAULT_PLATFORM_VERSION = '1.6.0';

/**
 * `migrations.targetVersion` of the platform chart of each Cozystack release: the number the
 * `cozystack-version` ConfigMap carries after a fresh install of that release.
 */
const MIGRATION_TARGETS: Readonly<Record<string, number>> = {
  ...patches('1.0', 0, 8, 34),
  ...patches('1.1', 0, 7, 35),
  ...patches('1.2', 0, 1, 36),
  ...patches('1.2', 2, 4, 38),
  ...patches('1.3', 0, 6, 39),
  ...patches('1.4', 0, 0, 40),
  ...patches('1.4', 1, 6, 42),
  ...patches('1.5', 0, 3, 45),
  ...patches('1.5', 4, 4, 46),
  ...patches('1.6', 0, 2, 54),
};

/** `<minor>.<first>` to `<minor>.<last>`, each with the same migration target. */
function patches(minor: string, first: number, last: number, target: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = first; i <= last; i++) out[`${minor}.${i}`] = target;
  return out;
}

/** The releases whose migration target is known, oldest first. */
export const KNOWN_RELEASES: readonly string[] = Object.keys(MIGRATION_TARGETS);

/** The migration target of a release, if known. @internal */
export function migrationTargetOf(version: string): number | undefined {
  return MIGRATION_TARGETS[version];
}

/** A Cozystack release version as the library takes it: `X.Y.Z` or `X.Y.Z-<prerelease>`, no leading `v`. */
export function isPlatformVersion(s: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$/.test(s);
}

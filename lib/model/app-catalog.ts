import { APP_CATALOGS } from '../../apps/catalog.js';
import { didYouMean } from '../core/errors.js';
import type { ReleaseProfile } from '../releases/profiles.js';
import type { AppCatalog, AppDefinition } from './app-definition.js';

/**
 * The app catalog of a release: every `apps.cozystack.io` kind it serves, with that release's
 * schema, defaults, prefix, labels, category, tenant services and HelmRelease shape.
 * @throws Error when the library has no catalog of the release (a generated file is out of date)
 */
export function appCatalogOf(release: ReleaseProfile): AppCatalog {
  const c = APP_CATALOGS.find((x) => x.version === release.version);
  if (!c) throw new Error(`apps/catalog.ts has no catalog of Cozystack ${release.version}; run npm run gen:apps`);
  return c;
}

/** The kinds of every pinned release's catalog. */
let catalogKinds: ReadonlySet<string> | undefined;

/** True when some pinned release's catalog has the kind. */
function isCatalogKind(kind: string): boolean {
  catalogKinds ??= new Set(APP_CATALOGS.flatMap((c) => c.definitions.map((d) => d.kind)));
  return catalogKinds.has(kind);
}

/** Why a release does not serve a kind: the kind, the release and what replaced it (if anything). */
export function kindNotInRelease(kind: string, release: ReleaseProfile): string {
  const catalog = appCatalogOf(release);
  if (Object.prototype.hasOwnProperty.call(catalog.removed, kind)) {
    const successor = catalog.removed[kind];
    return `${kind} is not an app of Cozystack ${release.version}: upstream removed it${successor ? `; use ${successor}` : ', with no replacement'}`;
  }
  const served = catalog.definitions.map((d) => d.kind);
  const since = APP_CATALOGS.filter((c) => c.definitions.some((d) => d.kind === kind)).map((c) => c.version);
  if (since.length) return `${kind} is not an app of Cozystack ${release.version}; it is an app of ${since.join(', ')}`;
  return `unknown kind ${JSON.stringify(kind)}: Cozystack ${release.version} serves ${served.join(', ')}${didYouMean(kind, served)}`;
}

/**
 * The definition of an app's kind at a release. A catalog definition (of any release) is replaced
 * by the release's own one, which gives the schema, defaults and HelmRelease shape of that release;
 * a definition of a kind no catalog has (made by the user) is taken as given.
 * @returns the definition, or the problem when the release does not serve the kind
 */
export function definitionAt(definition: AppDefinition, release: ReleaseProfile): { definition: AppDefinition } | { problem: string } {
  if (!isCatalogKind(definition.kind)) return { definition };
  const found = appCatalogOf(release).definitions.find((d) => d.kind === definition.kind);
  return found ? { definition: found } : { problem: kindNotInRelease(definition.kind, release) };
}

/** The rule of the problem when a release does not serve a kind: `kind-not-in-release` for a kind of another release, else `unknown-kind`. */
export function kindProblemRule(kind: string): 'kind-not-in-release' | 'unknown-kind' {
  return isCatalogKind(kind) ? 'kind-not-in-release' : 'unknown-kind';
}

/** The definition of a kind at a release, if the release serves it. */
export function appDefinitionOf(kind: string, release: ReleaseProfile): AppDefinition | undefined {
  return appCatalogOf(release).definitions.find((d) => d.kind === kind);
}

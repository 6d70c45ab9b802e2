// Reads the upstream release data the tests compare against: releases/<tag>/ of this repository,
// written by scripts/snapshot-upstream.ts from a git mirror of the upstream repository (see
// releases/README.md). Nothing outside the repository is read.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository's releases/ folder. */
export const RELEASES_DIR = resolve(import.meta.dirname, '..', '..', 'releases');
/** The release the bundles, tenants and the app catalog follow. */
export const CATALOG_RELEASE = 'v0.41.11';
/** The release whose Flux and cozystack.io CRDs the output is checked against. */
export const DELIVERY_RELEASE = 'v1.6.2';

/** The folder of one pinned release (releases/<tag>). */
export function releaseDir(tag: string): string {
  return join(RELEASES_DIR, tag);
}

/** The objects of helm's recorded render of the platform chart: releases/<tag>/renders/<case>/rendered.yaml. */
export function recordedRender<T extends { kind?: string }>(tag: string, caseId: string): T[] {
  return parseAllDocuments(readFileSync(join(releaseDir(tag), 'renders', caseId, 'rendered.yaml'), 'utf8'))
    .map((d) => d.toJS() as T | null)
    .filter((o): o is T => o !== null && typeof o === 'object' && o.kind !== undefined);
}

/** A file copied verbatim from upstream: releases/<tag>/upstream/<path at the tag>. */
export function upstreamFile(tag: string, path: string): string {
  return join(RELEASES_DIR, tag, 'upstream', path);
}

export interface RefRelease {
  name: string;
  releaseName: string;
  chart: string;
  chartPath: string;
  namespace: string;
  dependsOn: string[];
  optional: boolean;
  privileged: boolean;
  condition?: string;
  conditionalDependsOn?: { when: string; add: string[] }[];
}
export interface RefBundle {
  failsWithout: string[];
  releaseCount: number;
  releases: RefRelease[];
  derived: {
    helmReleasesRenderedByDefault: string[];
    namespacesByDefault: Record<string, { privileged: boolean }>;
    dependsOnOptionalOrConditional: { release: string; dependsOn: string; why: string }[];
    tenantRootDependsOn: { name: string; namespace: string }[];
  };
}

export const BUNDLES_JSON = JSON.parse(readFileSync(join(releaseDir(CATALOG_RELEASE), 'bundles.json'), 'utf8')) as {
  bundles: Record<string, RefBundle>;
};
export const BUNDLE_NAMES = Object.keys(BUNDLES_JSON.bundles);

/** One row of releases/<tag>/apps.json: a resource definition and its chart (upstream paths). */
export interface CatalogIndexEntry {
  chart: string;
  kind: string;
  plural: string;
  prefix: string;
  module: boolean;
  category: string;
  path: string;
  definition: string;
  definitionKind: string;
  schema: string | null;
  values: string | null;
}

/** The app catalog index of a release. */
export function catalogIndex(tag: string = CATALOG_RELEASE): CatalogIndexEntry[] {
  return (JSON.parse(readFileSync(join(releaseDir(tag), 'apps.json'), 'utf8')) as { apps: CatalogIndexEntry[] }).apps;
}

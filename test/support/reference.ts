// Reads the upstream reference data the tests compare against. The folder is the team's shared
// reference (never copied into the repo): $COZYSTACK_REFERENCE, or ../shared/reference beside the repo.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REFERENCE_DIR = resolve(process.env.COZYSTACK_REFERENCE ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'reference'));

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

export const BUNDLES_JSON = JSON.parse(readFileSync(join(REFERENCE_DIR, 'cozystack', 'bundles.json'), 'utf8')) as {
  bundles: Record<string, RefBundle>;
};
export const BUNDLE_NAMES = Object.keys(BUNDLES_JSON.bundles);

import type { Construct } from 'constructs';
import { applicationPackageName, artifactName, DEFAULT_VARIANT } from '../model/names.js';
import type { PlatformModel } from '../model/platform-model.js';
import { renderBundlesPlatform } from './platform-bundles.js';
import { renderPackagesPlatform } from './platform-packages.js';

export { NO_DELETE_LABEL } from './deletion-guardrail.js';

/**
 * Emits the platform's own objects, as the pinned release delivers them: the four bundles of
 * v0.41 (`platform-bundles.ts`), or what the v1.x platform chart renders (`platform-packages.ts`).
 * The application PackageSources are part of each: v0.41 reads the app charts from its Git
 * source, v1.x has them in the chart's `sources/*-application.yaml`.
 * @internal
 */
export function renderPlatform(scope: Construct, model: PlatformModel): void {
  if (model.release.delivery === 'bundles') renderBundlesPlatform(scope, model);
  else renderPackagesPlatform(scope, model);
}

/** Name of the ExternalArtifact that carries an application chart. @internal */
export function applicationArtifact(chart: string): string {
  return artifactName(applicationPackageName(chart), DEFAULT_VARIANT, chart);
}

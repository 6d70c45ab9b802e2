/**
 * The inputs of the v1 platform chart of a pinned release, as the chart model takes them: its
 * values.yaml, the values file of each variant, its `sources/*.yaml` and its data files. Read from
 * the generated `releases/platform-chart-data.ts` (facts of `releases/<tag>/upstream/`).
 */
import { PLATFORM_CHART_DATA } from '../../../releases/platform-chart-data.js';
import type { Values } from '../../core/values.js';
import type { PackageSourceFile, PlatformChartFiles } from './platform-chart.js';
import { PLATFORM_CHART_RELEASES, type PlatformChartRelease } from './platform-layout.js';

/** Everything the platform chart of one release reads besides the user's values. */
export interface PlatformChartInputs {
  /** The chart as data. */
  readonly release: PlatformChartRelease;
  /** The chart's values.yaml. */
  readonly defaults: Values;
  /** The chart's values-<variant>.yaml, by variant (`isp-full`, `isp-full-generic`, `isp-hosted`). */
  readonly variants: Readonly<Record<string, Values>>;
  /** The chart's `sources/*.yaml`. */
  readonly sources: readonly PackageSourceFile[];
  /** The chart's `files/*.yaml`. */
  readonly files: PlatformChartFiles;
}

/** The platform chart inputs of a release tag (`v1.6.2`), or undefined for a release without one. */
export function platformChartInputs(tag: string): PlatformChartInputs | undefined {
  const data = PLATFORM_CHART_DATA[tag];
  const release = (PLATFORM_CHART_RELEASES as Readonly<Record<string, PlatformChartRelease>>)[tag];
  if (!data || !release) return undefined;
  return {
    release,
    defaults: data.values as Values,
    variants: data.variants as Readonly<Record<string, Values>>,
    sources: data.sources as readonly PackageSourceFile[],
    files: data.files as PlatformChartFiles,
  };
}

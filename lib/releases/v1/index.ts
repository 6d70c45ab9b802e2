/**
 * The v1 line of Cozystack (v1.6.x) as the library models it: the platform chart
 * (`packages/core/platform`) as data and a pure function of its values.
 */
export {
  renderPlatformChart,
  PlatformChartError,
  ChartTemplateError,
  type ChartObject,
  type PackageSourceFile,
  type PlatformChartFiles,
  type PlatformChartInput,
  type PlatformChartLookups,
  type PlatformChartObject,
  type PlatformTemplate,
} from './platform-chart.js';
export { mergeHelmValues } from './go-values.js';
export {
  PLATFORM_CHART_RELEASES,
  CLUSTER_KEYS,
  DNS01_PROVIDERS,
  type BundleTemplate,
  type ChartCheck,
  type ChartCondition,
  type ClusterKey,
  type ComponentsRule,
  type Dns01Provider,
  type PackageEntry,
  type PlatformChartRelease,
} from './platform-layout.js';
export { platformChartInputs, type PlatformChartInputs } from './chart-inputs.js';

/**
 * Which app kinds a v1.x platform serves, from its rendered platform chart: a kind is served when
 * the Package that installs its ApplicationDefinition (the `<chart>-rd` component of a
 * `cozystack.<x>-application` PackageSource) is among the Packages the chart renders for the
 * variant and settings. A Package the settings disable (`components.disable`, or
 * `bundles.disabledPackages` in `platformValues`) or that the variant does not render (a layer
 * off, an optional Package not enabled, a variant without it) serves nothing.
 */
import type { AppDefinition } from './app-definition.js';
import { PACKAGE_PREFIX, type ResolvedPlatformChart } from './platform-chart.js';

/** The Package that installs an app kind's ApplicationDefinition, and whether the chart renders it. @internal */
export interface ServingPackage {
  /** The Package (and PackageSource) name, e.g. `cozystack.postgres-application`. */
  readonly name: string;
  /** The chart renders the Package for these settings. */
  readonly rendered: boolean;
  /** The settings disable it (`bundles.disabledPackages`). */
  readonly disabled: boolean;
}

const byChart = new WeakMap<ResolvedPlatformChart, { readonly sourceOf: ReadonlyMap<string, string>; readonly rendered: ReadonlySet<string>; readonly disabled: ReadonlySet<string> }>();

function indexOf(chart: ResolvedPlatformChart): { readonly sourceOf: ReadonlyMap<string, string>; readonly rendered: ReadonlySet<string>; readonly disabled: ReadonlySet<string> } {
  let index = byChart.get(chart);
  if (!index) {
    const sourceOf = new Map<string, string>();
    for (const s of [...chart.sources.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      for (const v of s.variants) for (const c of v.components) if (c.name.endsWith('-rd') && !sourceOf.has(c.name)) sourceOf.set(c.name, s.name);
    }
    const bundles = chart.values['bundles'];
    const list = bundles && typeof bundles === 'object' && !Array.isArray(bundles) ? (bundles as Record<string, unknown>)['disabledPackages'] : undefined;
    index = {
      sourceOf,
      rendered: new Set(chart.packages.map((p) => p.name)),
      disabled: new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []),
    };
    byChart.set(chart, index);
  }
  return index;
}

/**
 * The Package of the platform chart that serves an app chart (its `<chart>-rd` component), or
 * undefined when no PackageSource of the release has one (a kind of the user's own).
 * @internal
 */
export function servingPackage(chart: ResolvedPlatformChart, appChart: string): ServingPackage | undefined {
  const index = indexOf(chart);
  const name = index.sourceOf.get(`${appChart}-rd`);
  if (name === undefined) return undefined;
  return { name, rendered: index.rendered.has(name), disabled: index.disabled.has(name) };
}

/** True when the platform chart serves the app kind (or no Package of the release is its). @internal */
export function servesApp(chart: ResolvedPlatformChart, definition: Pick<AppDefinition, 'chart'>): boolean {
  const p = servingPackage(chart, definition.chart);
  return p === undefined || p.rendered;
}

/**
 * Why the platform does not serve an app kind, naming its Package and how to have it rendered;
 * undefined when it is served.
 * @internal
 */
export function notServedReason(chart: ResolvedPlatformChart, definition: Pick<AppDefinition, 'chart' | 'kind'>, remedy?: (shortName: string) => string | undefined): string | undefined {
  const p = servingPackage(chart, definition.chart);
  if (p === undefined || p.rendered) return undefined;
  const short = p.name.startsWith(PACKAGE_PREFIX) ? p.name.slice(PACKAGE_PREFIX.length) : p.name;
  const head = `the platform does not serve ${definition.kind}: its Package ${p.name}`;
  if (p.disabled) return `${head} is disabled (components.disable, or bundles.disabledPackages in platformValues); remove '${short}' from the disabled packages to serve it`;
  const how = remedy?.(short);
  return `${head} is not rendered by variant ${chart.variant} with these settings; ${how ?? 'enable it (components.enable), turn its layer on (platformValues bundles.<layer>.enabled) or choose a variant that installs it'}`;
}

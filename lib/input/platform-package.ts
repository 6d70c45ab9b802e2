/**
 * A v1.x user's platform Package as input: the `cozystack.io/v1alpha1` Package
 * `cozystack.cozystack-platform` a cluster of that release is configured with (upstream's
 * `packages/core/installer/example/platform.yaml`). Its variant and its
 * `spec.components.platform.values` become the settings `variant` and `platformValues`; the
 * values are checked against the platform chart of the release when the Platform is built.
 */
import type { Problem } from '../core/errors.js';
import { isPlainObject, type Values } from '../core/values.js';
import type { PlatformChartValues, PlatformVariant } from '../model/settings.js';

/** apiVersion and kind of a Package. */
export const PACKAGE_API_VERSION = 'cozystack.io/v1alpha1';
/** The name of the platform Package. */
export const PLATFORM_PACKAGE = 'cozystack.cozystack-platform';
/** Its one component, whose values are the platform chart's. */
const COMPONENT = 'platform';

/** The settings a platform Package gives. */
export interface PlatformPackageSettings {
  readonly variant?: PlatformVariant;
  readonly platformValues?: PlatformChartValues;
}

/** Where each setting comes from in the Package, for error messages. */
export const PACKAGE_PATHS: Readonly<Record<string, string>> = { variant: 'spec.variant', platformValues: `spec.components.${COMPONENT}.values` };

/** Reads a platform Package; problems are named by `subject` and the Package's own paths. */
export function parsePlatformPackage(value: Values, subject: string): { settings?: PlatformPackageSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (path: string, message: string, rule: string): void => void problems.push({ subject, path, message, rule });
  const name = isPlainObject(value.metadata) ? (value.metadata as Values).name : undefined;
  if (name !== PLATFORM_PACKAGE) {
    add('metadata.name', `${JSON.stringify(name)}: the only Package taken as input is ${PLATFORM_PACKAGE} (the other Packages are what its chart renders)`, 'unknown-package');
    return { problems };
  }
  const spec = value.spec ?? {};
  if (!isPlainObject(spec)) {
    add('spec', `expected a map, got ${JSON.stringify(spec)}`, 'invalid-type');
    return { problems };
  }
  for (const k of Object.keys(spec)) if (k !== 'variant' && k !== 'components') add(`spec.${k}`, `unknown field '${k}' of the platform Package (it takes variant and components.${COMPONENT}.values)`, 'unknown-field');
  const variant = (spec as Values).variant;
  if (variant !== undefined && typeof variant !== 'string') add('spec.variant', `expected a string, got ${JSON.stringify(variant)}`, 'invalid-type');
  const components = (spec as Values).components ?? {};
  let platformValues: Values | undefined;
  if (!isPlainObject(components)) add('spec.components', `expected a map, got ${JSON.stringify(components)}`, 'invalid-type');
  else {
    for (const [k, c] of Object.entries(components as Values)) {
      if (k !== COMPONENT) {
        add(`spec.components.${k}`, `the platform Package has one component, ${COMPONENT}`, 'unknown-component');
        continue;
      }
      if (!isPlainObject(c)) {
        add(`spec.components.${k}`, `expected a map, got ${JSON.stringify(c)}`, 'invalid-type');
        continue;
      }
      for (const f of Object.keys(c as Values)) if (f !== 'values' && f !== 'enabled') add(`spec.components.${k}.${f}`, `unknown field '${f}' (expected values)`, 'unknown-field');
      if ((c as Values).enabled === false) add(`spec.components.${k}.enabled`, 'the platform component cannot be disabled: it is the platform', 'invalid-value');
      const v = (c as Values).values ?? {};
      if (!isPlainObject(v)) add(`spec.components.${k}.values`, `expected a map, got ${JSON.stringify(v)}`, 'invalid-type');
      else platformValues = v as Values;
    }
  }
  if (problems.length) return { problems };
  return {
    settings: { ...(typeof variant === 'string' ? { variant: variant as PlatformVariant } : {}), ...(platformValues ? { platformValues: platformValues as PlatformChartValues } : {}) },
    problems,
  };
}

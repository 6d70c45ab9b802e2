import type { ComponentDefinition } from './component.js';

/**
 * A bundle as data: its name, what it requires from the platform settings, its components.
 */
export interface BundleDefinition {
  /** Bundle name, e.g. `paas-full`. */
  readonly name: string;
  /** Settings the bundle cannot work without. */
  readonly requires: {
    /** The bundle needs `rootHost`. */
    readonly rootHost: boolean;
    /** The bundle needs `apiServerEndpoint`. */
    readonly apiServerEndpoint: boolean;
  };
  /** Components in bundle order. */
  readonly components: readonly ComponentDefinition[];
}

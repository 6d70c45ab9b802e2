import type { ApiObject } from 'cdk8s';

/**
 * The objects the library made from plain data (its own and the user's values): synthesis may
 * serialize them without copying them first (see output/object-json.ts). Renderings add to it
 * (renderings/objects.ts), the output reads it.
 * @internal
 */
export const LIBRARY_OBJECTS = new WeakSet<ApiObject>();

/**
 * Plain data shared by many objects (the fields of a release's HelmRelease shape, a chartRef, the
 * default valuesFrom): deep-frozen, so no one can change it, and registered, so the output may
 * write its text once and reuse it (see output/yaml-emitter.ts).
 * @internal
 */
export const SHARED_VALUES = new WeakSet<object>();

/**
 * Deep-freezes plain data and registers each of its maps and lists in {@link SHARED_VALUES}.
 * @returns the same value, frozen
 * @internal
 */
export function shareFrozen<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) shareFrozen(x);
    Object.freeze(v);
    SHARED_VALUES.add(v);
  }
  return v;
}

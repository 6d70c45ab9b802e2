import type { ApiObject } from 'cdk8s';

/**
 * The objects the library made from plain data (its own and the user's values): synthesis may
 * serialize them without copying them first (see output/object-json.ts). Renderings add to it
 * (renderings/objects.ts), the output reads it.
 * @internal
 */
export const LIBRARY_OBJECTS = new WeakSet<ApiObject>();

import { ApiObject, type App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { LIBRARY_OBJECTS } from '../core/library-objects.js';

/**
 * The JSON of an ApiObject, exactly as `ApiObject.toJson()` makes it, in one pass.
 *
 * cdk8s' `toJson()` resolves every value through the app's resolvers (looking the app up from the
 * object for each value), then copies the result again to sort keys and drop nulls, and does both
 * once more for the metadata: most of synthesis time for large apps. For an object built of plain
 * data (strings, numbers, booleans, plain maps and arrays) with the built-in resolvers only and no
 * JSON patches, resolving changes nothing, so one sorted, null-dropping copy gives the same result.
 * Anything else (a Lazy, a class instance, a custom resolver, a patch, an overridden `toJson`, a
 * cdk8s whose internals look different) takes cdk8s' own path.
 *
 * @internal
 */
export function objectJson(o: ApiObject, app: App): Record<string, unknown> {
  return topLevel(o, app, (v) => copy(v, false)) ?? (o.toJson() as Record<string, unknown>);
}

/**
 * What {@link objectJson} would return, without copying what lies below its top-level fields:
 * apiVersion, kind and the metadata (a sorted copy) first, then the other top-level fields in
 * sorted order, their values as the construct holds them. Meant for `toYamlClean`, which writes
 * those values as their sorted copies would be written, and for checks that read the metadata
 * and top-level fields. Only for objects the library made (`LIBRARY_OBJECTS`), whose fields are
 * plain data; undefined for anything else or when the fast path does not apply.
 * @internal
 */
export function objectView(o: ApiObject, app: App): Record<string, unknown> | undefined {
  return LIBRARY_OBJECTS.has(o) ? topLevel(o, app, (v) => v) : undefined;
}

const BASE_TO_JSON = ApiObject.prototype.toJson;
const BUILTIN = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver] as const;
const resolversChecked = new WeakMap<App, boolean>();

function builtinResolversOnly(app: App): boolean {
  let ok = resolversChecked.get(app);
  if (ok === undefined) {
    const r = app.resolvers;
    ok = r.length === BUILTIN.length && r.every((x, i) => Object.getPrototypeOf(x) === BUILTIN[i]!.prototype);
    resolversChecked.set(app, ok);
  }
  return ok;
}

/** The fields of cdk8s' ApiObject and its metadata that `toJson()` reads. */
interface ApiObjectInternals {
  readonly props?: unknown;
  readonly patches?: unknown;
}
interface MetadataInternals {
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly labels?: unknown;
  readonly annotations?: unknown;
  readonly finalizers?: unknown;
  readonly ownerReferences?: unknown;
  readonly _additionalAttributes?: unknown;
}

/** Thrown (and caught below) when a value is not plain data. */
const NOT_PLAIN = Symbol('not plain');

/**
 * The object as toJson() orders it (apiVersion, kind, the metadata's sorted copy, then the other
 * top-level fields in sorted order), each top-level value through `value` and left out when that
 * gives null or undefined. Undefined when the one-pass path does not apply: custom resolvers, an
 * overridden toJson, sorting disabled, JSON patches, cdk8s internals that look different, or data
 * that is not plain (`value` and the metadata copy throw NOT_PLAIN).
 */
function topLevel(o: ApiObject, app: App, value: (v: unknown) => unknown): Record<string, unknown> | undefined {
  if (!builtinResolversOnly(app) || o.toJson !== BASE_TO_JSON || process.env.CDK8S_DISABLE_SORT) return undefined;
  const inner = o as unknown as ApiObjectInternals;
  const md = o.metadata as unknown as MetadataInternals;
  if (!Array.isArray(inner.patches) || inner.patches.length !== 0 || !isPlainMap(inner.props)) return undefined;
  if (!isPlainMap(md._additionalAttributes) || !Array.isArray(md.finalizers) || !Array.isArray(md.ownerReferences)) return undefined;
  try {
    const metadata = metadataJson(md, md._additionalAttributes);
    const props = inner.props;
    const result: Record<string, unknown> = {};
    const put = (k: string, v: unknown): void => {
      if (v !== undefined && v !== null) result[k] = v;
    };
    put('apiVersion', value(props.apiVersion));
    put('kind', value(props.kind));
    put('metadata', metadata);
    for (const k of Object.keys(props).sort()) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') put(k, value(props[k]));
    return result;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

/** Metadata fields ApiObjectMetadataDefinition.toJson() writes over its additional attributes, in sorted order. */
const METADATA_FIELDS = ['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'] as const;

/** The metadata as ApiObjectMetadataDefinition.toJson() makes it: sorted, without nulls, empty maps or empty lists. */
function metadataJson(md: MetadataInternals, extra: Record<string, unknown>): unknown {
  const only = Object.keys(extra).every((k) => (METADATA_FIELDS as readonly string[]).includes(k));
  if (!only) {
    return copy({ ...extra, name: md.name, namespace: md.namespace, annotations: md.annotations, finalizers: md.finalizers, ownerReferences: md.ownerReferences, labels: md.labels }, true);
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k of METADATA_FIELDS) {
    const c = copy(md[k], true);
    if (c !== undefined) {
      out[k] = c;
      n++;
    }
  }
  return n ? out : undefined;
}

function isPlainMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/**
 * A sorted copy without null and undefined map values (array elements become undefined), as
 * cdk8s' sanitizer makes it; `filterEmpty` also drops empty maps and arrays (metadata).
 */
function copy(v: unknown, filterEmpty: boolean): unknown {
  if (v === null || v === undefined) return undefined;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return v;
  if (t !== 'object') throw NOT_PLAIN;
  if (typeof (v as { resolve?: unknown }).resolve === 'function') throw NOT_PLAIN; // an implicit token
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) throw NOT_PLAIN;
    if (filterEmpty && v.length === 0) return undefined;
    return v.map((x) => copy(x, filterEmpty));
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) throw NOT_PLAIN;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k of Object.keys(src).sort()) {
    const c = copy(src[k], filterEmpty);
    if (c !== undefined) {
      out[k] = c;
      n++;
    }
  }
  return filterEmpty && n === 0 ? undefined : out;
}

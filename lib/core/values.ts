/**
 * A JSON value as Helm values hold it.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A Helm values map.
 */
export interface Values {
  [key: string]: JsonValue;
}

/** True for a plain object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges `over` onto `base` the way Helm merges values: maps merge key by key, anything
 * else (scalars, lists) in `over` replaces what `base` has. Neither input is modified.
 */
export function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b as Values, v as Values) : clone(v);
  }
  return out;
}

/** A deep copy of a JSON value. */
export function clone<T extends JsonValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (isPlainObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x as JsonValue);
    return out as T;
  }
  return v;
}

/**
 * Replaces `{{name}}` placeholders in every string of `value`. A string that is exactly one
 * placeholder takes the placeholder's value with its type; inside a longer string the value is
 * written as text.
 */
export function fillPlaceholders(value: JsonValue, lookup: (name: string) => JsonValue): JsonValue {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole) return lookup(whole[1]!);
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(lookup(name)));
  }
  if (Array.isArray(value)) return value.map((v) => fillPlaceholders(v, lookup));
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillPlaceholders(v as JsonValue, lookup);
    return out;
  }
  return value;
}

/** Drops keys whose value is undefined. @internal */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

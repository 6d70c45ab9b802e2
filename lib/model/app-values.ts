import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { isCredentialPath, MASKED, maskCredentials } from './credential-mask.js';
import { PRECOMPILED_VALIDATORS } from '../../apps/generated/validators.js';
import type { AppDefinition } from './app-definition.js';
import { isPlainObject, type JsonValue, type Values } from '../core/values.js';
import { didYouMean } from '../core/errors.js';
import { createValuesAjv } from './values-ajv.js';

/** One finding of {@link validateAppValues}. */
export interface ValuesProblem {
  /** Where, as a values path: `.replicas`, `.users.alice.password`, `.topics[0].name`. */
  path: string;
  /** What was expected and what was given. */
  message: string;
  /** Short rule id: `type`, `enum`, `pattern`, `required`, `unknown-key`, or another JSON-schema keyword. */
  rule: string;
}

/** Result of {@link validateAppValues}. */
export interface ValuesValidation {
  /** Values the chart would reject (helm-controller fails the release). */
  errors: ValuesProblem[];
  /** Values the chart accepts but most likely ignores. */
  warnings: ValuesProblem[];
}

type JsonMap = { [key: string]: JsonValue };

/** A values map: the one plain-object check of the library, typed for JSON values. */
const isMap = isPlainObject as (v: unknown) => v is JsonMap;

// ------------------------------------------------------------------ merging

/**
 * Coalesces user values over chart defaults the way Helm does: maps merge key by key, any
 * other user value (scalar, list, or a map where the default is not one) replaces the default,
 * a user `null` removes the key, and a `null` (or `undefined`) that overrides nothing is dropped.
 * Neither input is modified; the result shares nothing with them.
 */
export function mergeChartValues(defaults: Values, user: Values): Values {
  return coalesce(defaults, user, true);
}

function coalesce(defaults: JsonMap, user: JsonMap, copy: boolean): JsonMap {
  const out: JsonMap = {};
  for (const k of Object.keys(defaults)) {
    if (user[k] !== undefined) continue; // given (a null deletes)
    const d = defaults[k]!;
    out[k] = copy ? deepCopy(d) : d;
  }
  for (const k of Object.keys(user)) {
    const u = user[k];
    if (u === null || u === undefined) continue; // deletes the default, or disappears
    const d = Object.prototype.hasOwnProperty.call(defaults, k) ? defaults[k] : undefined;
    if (isMap(u)) out[k] = coalesce(isMap(d) ? d : {}, u, copy);
    else out[k] = copy ? deepCopy(u) : u;
  }
  return out;
}

function deepCopy(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) {
    const out: JsonMap = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]!);
    return out;
  }
  return v;
}

// ------------------------------------------------------------------ validation

let ajv: Ajv | undefined;
const compiled = new WeakMap<AppDefinition, ValidateFunction>();

/**
 * The validator of a definition's schema: the precompiled one when the schema is a catalog
 * definition's own object, else compiled at run time (once per definition).
 * @internal
 */
export function validatorFor(definition: AppDefinition): ValidateFunction {
  const pre = PRECOMPILED_VALIDATORS.get(definition.schema);
  if (pre) return pre;
  let fn = compiled.get(definition);
  if (!fn) {
    ajv ??= createValuesAjv();
    fn = ajv.compile(definition.schema);
    compiled.set(definition, fn);
  }
  return fn;
}

/**
 * Validates an application's values as helm-controller would: the chart defaults are coalesced
 * under `user` ({@link mergeChartValues}) and the result is checked against the chart's values
 * schema. Keys the schema does not know are accepted by Helm, so they are only warnings.
 */
export function validateAppValues(definition: AppDefinition, user: Values): ValuesValidation {
  // The answer depends on the definition and the values alone: values given again (apps made from
  // one template, `spec: {}`) are answered from a bounded memo, keyed by their JSON text.
  const key = jsonKey(user);
  if (key === undefined) return check(definition, user);
  let byValues = memo.get(definition);
  if (!byValues) memo.set(definition, (byValues = new Map()));
  let found = byValues.get(key);
  if (!found) {
    found = check(definition, user);
    if (byValues.size < MEMO_PER_DEFINITION) byValues.set(key, found);
  }
  return { errors: found.errors.map((e) => ({ ...e })), warnings: found.warnings.map((w) => ({ ...w })) };
}

/** Per definition, the validation of values by their JSON text. */
const memo = new WeakMap<AppDefinition, Map<string, ValuesValidation>>();
/** Distinct values remembered per definition (a few hundred bytes each). */
const MEMO_PER_DEFINITION = 4096;

/**
 * The JSON text of values that are plain JSON data (maps, lists, strings, finite numbers, booleans,
 * null), which then stands for them exactly; undefined for anything else (a class instance, a
 * non-finite number, undefined in a list), which is validated every time.
 */
function jsonKey(v: Values): string | undefined {
  return isJsonData(v, 0) ? JSON.stringify(v) : undefined;
}

function isJsonData(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (depth > 64) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!isJsonData(v[i], depth + 1)) return false;
    return true;
  }
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && !isJsonData(x, depth + 1)) return false;
  }
  return true;
}

function check(definition: AppDefinition, user: Values): ValuesValidation {
  const validate = validatorFor(definition);
  const merged = coalesce(definition.defaults, user, false);
  const errors = validate(merged) ? [] : convertErrors(validate.errors ?? [], merged, user);
  const warnings: ValuesProblem[] = [];
  unknownKeys(definition.schema, user, '', warnings);
  return { errors, warnings };
}

/** Warns about user keys that a schema node with `properties` does not list. */
function unknownKeys(schema: JsonValue | undefined, value: JsonValue | undefined, path: string, out: ValuesProblem[]): void {
  if (!isMap(schema) || value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (schema.items !== undefined) value.forEach((v, i) => unknownKeys(schema.items, v, `${path}[${i}]`, out));
    return;
  }
  if (!isMap(value)) return;
  const props = isMap(schema.properties) ? schema.properties : undefined;
  const extra = schema.additionalProperties;
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === null || v === undefined) continue;
    const p = joinKey(path, k);
    if (props && Object.prototype.hasOwnProperty.call(props, k)) unknownKeys(props[k], v, p, out);
    else if (isMap(extra)) unknownKeys(extra, v, p, out);
    else if (props && extra === undefined && !open) {
      out.push({ path: p, rule: 'unknown-key', message: `unknown key '${k}': the chart does not use it${didYouMean(k, Object.keys(props))}` });
    }
  }
}

function convertErrors(errs: readonly ErrorObject[], data: JsonValue, user: Values): ValuesProblem[] {
  // anyOf and oneOf report every failed branch and then themselves; keep only their own error.
  const choices = errs.filter((e) => isChoice(e.keyword));
  // A value of the wrong type also fails enum/pattern checks on it; the type error says enough.
  const wrongType = new Set(errs.filter((e) => e.keyword === 'type' || isChoice(e.keyword)).map((e) => e.instancePath));
  const out: ValuesProblem[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    if (choices.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath.startsWith(a.instancePath))) continue;
    if (e.keyword !== 'type' && !isChoice(e.keyword) && e.keyword !== 'required' && wrongType.has(e.instancePath)) continue;
    const p = convertError(e, data, user);
    const key = `${p.path}\u0000${p.rule}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/** anyOf and oneOf: a value must match one of several schemas (the branches). */
function isChoice(keyword: string): boolean {
  return keyword === 'anyOf' || keyword === 'oneOf';
}

function convertError(e: ErrorObject, data: JsonValue, user: Values): ValuesProblem {
  const path = pointerToPath(e.instancePath, data);
  // A value at a credential path is never echoed (its type is); credentials inside a map or list are masked.
  const given = isCredentialPath(path) ? describeMasked(e.data as JsonValue) : describe(maskCredentials(e.data) as JsonValue);
  const parent = (e.parentSchema ?? {}) as JsonMap;
  switch (e.keyword) {
    case 'type':
      return { path, rule: 'type', message: `expected ${article(String((e.params as { type: string }).type))}, got ${given}` };
    case 'enum': {
      const allowed = (e.params as { allowedValues: JsonValue[] }).allowedValues;
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed.filter((a): a is string => typeof a === 'string')) : '';
      return { path, rule: 'enum', message: `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}; got ${given}${hint}` };
    }
    case 'pattern': {
      const pattern = (e.params as { pattern: string }).pattern;
      const what = parent['x-kubernetes-int-or-string'] === true ? 'a Kubernetes quantity (e.g. 10Gi, 500m, 2)' : `a string matching /${pattern}/`;
      return { path, rule: 'pattern', message: `expected ${what}, got ${given}` };
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      const owner = nodeAt(user, e.instancePath);
      const nulled = isMap(owner) && Object.prototype.hasOwnProperty.call(owner, key) && owner[key] === null;
      const why = nulled ? 'a null removed the chart default' : 'not given, and the chart has no default for it';
      return { path: joinKey(path === '.' ? '' : path, key), rule: 'required', message: `missing required key '${key}' (${why})` };
    }
    case 'anyOf':
    case 'oneOf': {
      const branches = (Array.isArray(parent[e.keyword]) ? parent[e.keyword] : []) as JsonValue[];
      const types = branches.map((b) => (isMap(b) && typeof b.type === 'string' ? b.type : undefined));
      if (types.length && types.every((t) => t !== undefined)) {
        return { path, rule: 'type', message: `expected ${types.map((t) => article(t!)).join(' or ')}, got ${given}` };
      }
      return { path, rule: e.keyword, message: `expected a value matching one of ${branches.length} allowed forms, got ${given}` };
    }
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: joinKey(path === '.' ? '' : path, key), rule: 'unknown-key', message: `key '${key}' is not allowed here` };
    }
    default:
      return { path, rule: e.keyword, message: `${e.message ?? 'is invalid'}; got ${given}` };
  }
}

function article(type: string): string {
  switch (type) {
    case 'integer':
      return 'an integer';
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    default:
      return `a ${type}`;
  }
}

/** `string (masked)`: the type of a value at a credential path, not the value. */
function describeMasked(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  const kind = Array.isArray(v) ? 'list' : isMap(v) ? 'map' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  return `${kind} ${MASKED} (a credential path: the value is not shown)`;
}

/** `string "abc"`, `integer 3`, `boolean true`, `null`, `list [1,2]`, `map {"a":1}` (shortened). */
function describe(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  const kind = Array.isArray(v) ? 'list' : isMap(v) ? 'map' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  let text = JSON.stringify(v);
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  return `${kind} ${text}`;
}

/** `/users/alice/password` -> `.users.alice.password`; `/topics/0/name` -> `.topics[0].name`. */
function pointerToPath(pointer: string, data: JsonValue): string {
  if (!pointer) return '.';
  let path = '';
  let node: JsonValue | undefined = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path += `[${seg}]`;
      node = node[Number(seg)];
    } else {
      path = joinKey(path, seg);
      node = isMap(node) ? node[seg] : undefined;
    }
  }
  return path;
}

/** The value at a JSON pointer, if any. */
function nodeAt(data: JsonValue, pointer: string): JsonValue | undefined {
  let node: JsonValue | undefined = data;
  if (!pointer) return node;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isMap(node)) node = node[seg];
    else return undefined;
  }
  return node;
}

function joinKey(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

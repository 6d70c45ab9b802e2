// The schema walk of the values tests: for each node of a chart's values schema, values that break
// each of its constraints (and a small value it accepts).
import type { JsonValue, Values } from '../../lib/core/values.js';

type Json = JsonValue;
type Obj = { [key: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value the chart must reject, with where and why. */
export interface Case {
  kind: 'type' | 'int-or-string' | 'enum' | 'pattern' | 'required-missing' | 'required-null';
  user: Values;
  path: string;
  rule: string;
}

export const isIntOrString = (s: Obj) => s['x-kubernetes-int-or-string'] === true;
const seg = (key: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
const ENTRY = 'entry1';

/** A small value the schema accepts. */
export function sample(s: Json): Json {
  if (!isObj(s)) return {};
  if (Array.isArray(s.enum)) return s.enum[0]!;
  if (isIntOrString(s)) return '1';
  switch (s.type) {
    case 'string':
      return 's';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    default: {
      const out: Obj = {};
      const props = isObj(s.properties) ? s.properties : {};
      for (const r of (s.required ?? []) as string[]) out[r] = sample(props[r]!);
      return out;
    }
  }
}

/** A value of the wrong JSON type for a `type`. */
const WRONG: Record<string, Json> = {
  string: 12345,
  integer: 'not-a-number',
  number: 'not-a-number',
  boolean: 'yes',
  array: 'not-a-list',
  object: 'not-a-map',
};

/**
 * Walks a values schema and yields, for every node, a value that breaks each constraint the
 * node has. `wrap` places a value at the node inside otherwise valid user values; `dflt` is the
 * chart default at the node (undefined where defaults do not reach: list items, new map entries).
 */
export function cases(schema: Json, defaults: Values): Case[] {
  const out: Case[] = [];
  const walk = (s: Json, path: string, dflt: Json | undefined, wrap: (v: Json) => Values, root = false): void => {
    if (!isObj(s)) return;
    if (!root) {
      if (isIntOrString(s)) out.push({ kind: 'int-or-string', user: wrap(true), path, rule: 'type' });
      else if (typeof s.type === 'string' && s.type in WRONG) out.push({ kind: 'type', user: wrap(WRONG[s.type]!), path, rule: 'type' });
      if (Array.isArray(s.enum)) out.push({ kind: 'enum', user: wrap('not-a-member'), path, rule: 'enum' });
      if (typeof s.pattern === 'string') out.push({ kind: 'pattern', user: wrap('10 GB'), path, rule: 'pattern' });
    }
    const props = isObj(s.properties) ? s.properties : {};
    const required = (s.required ?? []) as string[];
    // An object that defaults reach is merged with them; elsewhere it must carry its own required keys.
    const base = (): Obj => (dflt !== undefined ? {} : (sample(s) as Obj));
    for (const r of required) {
      if (isObj(dflt) && r in dflt) {
        out.push({ kind: 'required-null', user: wrap({ [r]: null }), path: path + seg(r), rule: 'required' });
      } else if (dflt === undefined) {
        const v = sample(s) as Obj;
        delete v[r];
        out.push({ kind: 'required-missing', user: wrap(v), path: path + seg(r), rule: 'required' });
      }
    }
    for (const [k, ps] of Object.entries(props)) {
      walk(ps, path + seg(k), isObj(dflt) ? dflt[k] : undefined, (v) => wrap({ ...base(), [k]: v }));
    }
    if (isObj(s.additionalProperties)) {
      walk(s.additionalProperties, path + seg(ENTRY), undefined, (v) => wrap({ ...base(), [ENTRY]: v }));
    }
    if (s.type === 'array' && s.items !== undefined) {
      walk(s.items, `${path}[0]`, undefined, (v) => wrap([v]));
    }
  };
  walk(schema, '', defaults, (v) => v as Values, true);
  return out;
}


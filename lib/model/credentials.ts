import type { Values } from '../core/values.js';
import { isPlainObject } from '../core/values.js';

/** A key that holds a credential when its schema type is string. */
const CREDENTIAL_KEY = /(password|secret|token|accesskey)/i;

/** Where credentials sit in a chart's values: key paths, `*` for any map key or list index. */
export type CredentialPattern = readonly string[];

const cache = new WeakMap<object, CredentialPattern[]>();

/** True when a values key's name says it holds a credential (password, secret, token, access key). */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key);
}

/** Paths of string properties whose name says they hold a credential (password, secret, token, access key). */
export function credentialPatterns(schema: Values): CredentialPattern[] {
  let found = cache.get(schema);
  if (!found) {
    found = [];
    const walk = (node: unknown, path: string[]): void => {
      if (!isPlainObject(node)) return;
      for (const [k, v] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
        if (isPlainObject(v) && v.type === 'string' && CREDENTIAL_KEY.test(k)) found!.push([...path, k]);
        else walk(v, [...path, k]);
      }
      if (isPlainObject(node.additionalProperties)) walk(node.additionalProperties, [...path, '*']);
      if (isPlainObject(node.items)) walk(node.items, [...path, '*']);
    };
    walk(schema, []);
    cache.set(schema, found);
  }
  return found;
}

/** A credential found in values. */
export interface FoundCredential {
  /** Key path, e.g. `['users', 'alice', 'password']`; list indexes as `[0]`. */
  readonly path: readonly string[];
  /** The value. */
  readonly value: string;
}

/**
 * Splits values into what may go to Git and the credentials (non-empty strings at credential
 * paths). Neither input is modified.
 */
export function extractCredentials(values: Values, patterns: readonly CredentialPattern[]): { values: Values; credentials: FoundCredential[] } {
  const credentials: FoundCredential[] = [];
  // The key path walked so far (list indexes as `[i]`), copied only for a credential found.
  const at: string[] = [];
  const remove = (node: unknown, pattern: readonly string[], i: number): unknown => {
    if (i === pattern.length) return node;
    const head = pattern[i]!;
    if (Array.isArray(node)) {
      if (head !== '*') return node;
      return node.map((x, n) => {
        at.push(`[${n}]`);
        const r = remove(x, pattern, i + 1);
        at.pop();
        return r;
      });
    }
    if (!isPlainObject(node)) return node;
    const keys = head === '*' ? Object.keys(node) : head in node ? [head] : [];
    if (!keys.length) return node; // nothing on this path: no copy
    const out: Record<string, unknown> = { ...node };
    const last = i + 1 === pattern.length;
    for (const k of keys) {
      if (last) {
        const v = node[k];
        if (typeof v === 'string' && v !== '') {
          credentials.push({ path: [...at, k], value: v });
          delete out[k];
        }
      } else {
        at.push(k);
        out[k] = remove(node[k], pattern, i + 1);
        at.pop();
      }
    }
    return out;
  };
  let v: unknown = values;
  for (const p of patterns) v = remove(v, p, 0);
  return { values: v as Values, credentials };
}

/** A Helm `--set` path (Flux targetPath) for key segments: special characters in keys escaped. */
export function targetPath(path: readonly string[]): string {
  return path.map((s, i) => (/^\[\d+\]$/.test(s) ? s : `${i ? '.' : ''}${s.replace(/([.,=\\[\]])/g, '\\$1')}`)).join('');
}

/** A Secret data key for a path: allowed characters only, dots between segments. */
export function secretKey(path: readonly string[]): string {
  return path.map((s) => s.replace(/[^-_a-zA-Z0-9]/g, '_')).join('.');
}

/** Secret key of the values document of an app's credentials. */
export const CREDENTIALS_VALUES_KEY = 'values.yaml';

/**
 * The credentials of an app as one values document, and the values without them: what a
 * HelmRelease gets back exactly when it reads the document with `valuesFrom` (merged at the root,
 * no `targetPath`, whose `--set` parser would turn `12345678` into a number, drop quotes, split on
 * commas). A credential inside a list moves with its whole list: helm-controller merges
 * `spec.values` over the document, and a list there would replace the document's list whole.
 * The document is JSON (a YAML document that YAML 1.1 and 1.2 readers read alike), keys sorted.
 */
export function credentialsDocument(values: Values, credentials: readonly FoundCredential[]): { document: string; values: Values } {
  const doc: Record<string, unknown> = {};
  let clean: Record<string, unknown> = structuredClone(values) as Record<string, unknown>;
  for (const c of credentials) {
    const list = c.path.findIndex((s) => /^\[\d+\]$/.test(s));
    const cut = list === -1 ? c.path : c.path.slice(0, list);
    let from: unknown = values;
    for (const k of cut) from = isPlainObject(from) ? from[k] : undefined;
    setIn(doc, cut, structuredClone(from));
    clean = deleteIn(clean, cut);
  }
  return { document: `${JSON.stringify(sortKeys(doc), null, 2)}\n`, values: clean as Values };
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const k of path.slice(0, -1)) node = (isPlainObject(node[k]) ? node[k] : (node[k] = {})) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

/** A copy without the key at `path`; the maps on the way stay, empty or not, so spec.values keeps its shape. */
function deleteIn(target: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !(head in target)) return target;
  const out = { ...target };
  if (!rest.length) delete out[head];
  else if (isPlainObject(target[head])) out[head] = deleteIn(target[head], rest);
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

import jsyaml from 'js-yaml';
import { SHARED_VALUES } from '../core/library-objects.js';

/**
 * Plain scalars that some YAML 1.1 reader (Kubernetes' and Flux's sigs.k8s.io/yaml, or others)
 * may not read back as the same string, and that the YAML 1.2 core schema does not already
 * quote: numbers with '_' separators, sexagesimal numbers, float-like words without digits before
 * the point or the exponent (`.`, `1.`, `E0`), and `=`/`<<`.
 */
function yaml11Only(s: string | null): boolean {
  return (
    s !== null &&
    ((/^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?)$/.test(s) && s.includes('_')) ||
      /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s) ||
      /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$/.test(s) ||
      /^[-+]?([0-9][0-9_]*)?(\.[0-9_]*)?[eE][-+]?[0-9]+$/.test(s) ||
      s === '=' ||
      s === '<<')
  );
}
const YAML11_ONLY = new jsyaml.Type('tag:cozystack-cdk8s:yaml11', { kind: 'scalar', resolve: yaml11Only, construct: (s: string) => s });
const SCHEMA = jsyaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_ONLY] });
const OPTIONS: jsyaml.DumpOptions = { schema: SCHEMA, noRefs: true, lineWidth: -1, quotingType: '"', noCompatMode: false };

/** Strings js-yaml writes plain for sure: a letter, then letters, digits and `._/-`, and no keyword. */
const SIMPLE = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const KEYWORDS = /^(y|yes|n|no|on|off|true|false|null)$/i;
/** How js-yaml writes other single-line scalars, learned once per value (they repeat: `5m`, `10Gi`, `"true"`). */
const scalars = new Map<string | number, string>();
const MAX_CACHED = 100_000;

/** Raised when a value needs the general emitter (multi-line strings, odd keys). */
class NotSimple extends Error {}
const NOT_SIMPLE = new NotSimple();

function scalar(v: string | number): string {
  // A SIMPLE string starts with a letter: of the YAML 1.1-only forms it can only be an exponent
  // form (`e5`), and of the keywords only a short word.
  if (typeof v === 'string' && SIMPLE.test(v) && !(v.length <= 5 && KEYWORDS.test(v)) && !((v[0] === 'e' || v[0] === 'E') && yaml11Only(v))) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  if (typeof v === 'string' && (v.includes('\n') || v.includes('\r') || v.length > 200)) throw NOT_SIMPLE;
  let s = scalars.get(v);
  if (s === undefined) {
    s = jsyaml.dump(v, OPTIONS).slice(0, -1);
    if (s.includes('\n')) throw NOT_SIMPLE;
    if (scalars.size < MAX_CACHED) scalars.set(v, s);
  }
  return s;
}

/** Printable ASCII and line feeds only: js-yaml writes such a multi-line string as a literal block. */
const PRINTABLE_ASCII = /^[\x20-\x7E\n]*$/;

/**
 * What js-yaml writes for a multi-line string of printable ASCII (no tab, no carriage return), without
 * calling it: a literal block (`|`), an indentation indicator `2` when the text starts with spaces
 * after its leading line feeds, the chomping indicator of its trailing line feeds (`-` none, `+` more
 * than one), and every non-empty line indented by two more than `indent`.
 */
function literalBlock(v: string, indent: string): string {
  const clip = v[v.length - 1] === '\n';
  const keep = clip && (v[v.length - 2] === '\n' || v === '\n');
  const header = `|${/^\n* /.test(v) ? '2' : ''}${keep ? '+' : clip ? '' : '-'}`;
  const ind = `${indent}  `;
  let body = '';
  let position = 0;
  while (position < v.length) {
    const next = v.indexOf('\n', position);
    const line = next === -1 ? v.slice(position) : v.slice(position, next + 1);
    position = next === -1 ? v.length : next + 1;
    if (line.length && line !== '\n') body += ind;
    body += line;
  }
  if (body[body.length - 1] === '\n') body = body.slice(0, -1);
  return `${header}\n${body}`;
}

/**
 * A multi-line string as a map value, the way js-yaml writes it: its standalone form (a block
 * literal with content indented by two) with the content moved under the key. Anything else
 * (a quoted form, long or odd strings) goes to the general writer.
 */
function blockScalar(v: string, indent: string): string {
  if (v.length > 1_000_000) throw NOT_SIMPLE;
  if (PRINTABLE_ASCII.test(v)) return literalBlock(v, indent);
  const standalone = jsyaml.dump(v, OPTIONS);
  if (standalone[0] !== '|') throw NOT_SIMPLE;
  const nl = standalone.indexOf('\n');
  const header = standalone.slice(0, nl);
  const body = standalone.slice(nl + 1, -1); // content lines, without the final newline
  return indent ? `${header}\n${body.replace(/^(?=.)/gm, indent)}` : `${header}\n${body}`;
}

/**
 * The one-line form of a value, or undefined for a non-empty map or list. With `clean`, the value
 * is raw construct data that cdk8s would first sanitize (see {@link toYamlClean}): only plain maps
 * and lists are accepted, and a map counts as empty when all its values are null.
 */
function leaf(v: unknown, clean: boolean): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string' || typeof v === 'number') return scalar(v);
  if (Array.isArray(v)) {
    if (clean && (Object.getPrototypeOf(v) !== Array.prototype || typeof (v as { resolve?: unknown }).resolve === 'function')) throw NOT_SIMPLE;
    return v.length ? undefined : '[]';
  }
  if (typeof v === 'object') {
    if (!clean) return Object.keys(v).length ? undefined : '{}';
    if (Object.getPrototypeOf(v) !== Object.prototype || typeof (v as { resolve?: unknown }).resolve === 'function') throw NOT_SIMPLE;
    for (const k in v) if ((v as Record<string, unknown>)[k] !== null && (v as Record<string, unknown>)[k] !== undefined) return undefined;
    return '{}';
  }
  throw NOT_SIMPLE;
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * A map's keys in the order of a copy made with sorted keys: array-index keys first, ascending
 * (JavaScript lists them first in any object), then the others sorted.
 */
function sortedKeys(map: object): string[] {
  const keys = Object.keys(map);
  let indexes = 0;
  while (indexes < keys.length && INDEX.test(keys[indexes]!) && Number(keys[indexes]) < 4294967295) indexes++;
  if (indexes === 0) return keys.sort();
  return keys.slice(0, indexes).concat(keys.slice(indexes).sort());
}

/** Appends a map's entries at `indent`; the first line's indentation is already written when `inline`. */
function writeMap(out: string[], map: Record<string, unknown>, indent: string, inline: boolean, clean: boolean): void {
  let first = true;
  const keys = clean ? sortedKeys(map) : Object.keys(map);
  for (const k of keys) {
    const v = map[k];
    if (v === undefined || (clean && v === null)) continue;
    const key = scalar(k);
    const prefix = first && inline ? '' : indent;
    first = false;
    const block = typeof v === 'string' && v.includes('\n') ? blockScalar(v, indent) : undefined;
    const l = block ?? leaf(v, clean);
    if (l !== undefined) out.push(`${prefix}${key}: ${l}\n`);
    else {
      out.push(`${prefix}${key}:\n`);
      if (SHARED_VALUES.has(v as object)) out.push(sharedText(v as object, `${indent}  `, clean));
      else if (Array.isArray(v)) writeSeq(out, v, `${indent}  `, clean);
      else writeMap(out, v as Record<string, unknown>, `${indent}  `, false, clean);
    }
  }
}

/** Per shared (frozen) map or list, its text at each indentation: written once, then reused. */
const sharedTexts = new WeakMap<object, Map<string, string>>();

/** The text of a shared map or list as a map value's block at `indent`. */
function sharedText(v: object, indent: string, clean: boolean): string {
  let byIndent = sharedTexts.get(v);
  if (!byIndent) sharedTexts.set(v, (byIndent = new Map()));
  const key = `${clean ? 'c' : 'p'}${indent}`;
  let text = byIndent.get(key);
  if (text === undefined) {
    const out: string[] = [];
    if (Array.isArray(v)) writeSeq(out, v, indent, clean);
    else writeMap(out, v as Record<string, unknown>, indent, false, clean);
    byIndent.set(key, (text = out.join('')));
  }
  return text;
}

/** An item of a sequence; with `clean`, a null item (cdk8s makes it undefined) needs the general writer, as an undefined one always does. */
function item(seq: readonly unknown[], i: number, clean: boolean): unknown {
  const v = seq[i];
  if (clean && (v === null || v === undefined)) throw NOT_SIMPLE;
  return v;
}

/**
 * Appends a sequence's items at `indent`; with `inline`, the first item goes on the line already
 * started by a parent's `- `. A hole or undefined item needs the general writer.
 */
function writeSeq(out: string[], seq: readonly unknown[], indent: string, clean: boolean, inline = false): void {
  for (let i = 0; i < seq.length; i++) {
    const v = item(seq, i, clean);
    const prefix = i === 0 && inline ? '' : indent;
    const l = leaf(v, clean);
    if (l !== undefined) out.push(`${prefix}- ${l}\n`);
    else if (Array.isArray(v)) {
      out.push(`${prefix}- `);
      writeSeq(out, v, `${indent}  `, clean, true);
    } else {
      out.push(`${prefix}- `);
      writeMap(out, v as Record<string, unknown>, `${indent}  `, true, clean);
    }
  }
}

/**
 * Serializes one object as a YAML document, keys in the order given. Strings that a YAML 1.1
 * reader would take for another type are quoted. Objects made only of single-line scalars take a
 * purpose-built writer that produces the same bytes as the general one (js-yaml), several times
 * faster; anything else goes to js-yaml.
 */
export function toYaml(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length) {
    try {
      const out: string[] = [];
      writeMap(out, value as Record<string, unknown>, '', false, false);
      return out.join('');
    } catch (e) {
      if (!(e instanceof NotSimple)) throw e;
    }
  }
  return jsyaml.dump(value, OPTIONS);
}

/**
 * `toYaml` of what cdk8s' sanitizer would make of `view`, without making it: the top-level entries
 * are written in the order given, as they are (null and undefined ones skipped), and the values
 * below them as sorted copies without null map values would be. Returns undefined when the data
 * needs the general writer or cdk8s' own serialization (a multi-line string in a list, a null in a
 * list, a class instance, ...): the caller then makes the copy and calls `toYaml`.
 * @internal
 */
export function toYamlClean(view: Record<string, unknown>): string | undefined {
  try {
    const out: string[] = [];
    for (const k of Object.keys(view)) {
      const v = view[k];
      if (v === undefined || v === null) continue;
      const one: Record<string, unknown> = { [k]: v };
      writeMap(out, one, '', false, true);
    }
    return out.length ? out.join('') : undefined;
  } catch (e) {
    if (e instanceof NotSimple) return undefined;
    throw e;
  }
}

/** The general writer alone (js-yaml), for comparison. @internal */
export function toYamlGeneral(value: unknown): string {
  return jsyaml.dump(value, OPTIONS);
}

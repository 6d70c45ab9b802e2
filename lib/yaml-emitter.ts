import jsyaml from 'js-yaml';

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

/**
 * A multi-line string as a map value, the way js-yaml writes it: its standalone form (a block
 * literal with content indented by two) with the content moved under the key. Anything else
 * (a quoted form, long or odd strings) goes to the general writer.
 */
function blockScalar(v: string, indent: string): string {
  if (v.length > 1_000_000) throw NOT_SIMPLE;
  const standalone = jsyaml.dump(v, OPTIONS);
  if (standalone[0] !== '|') throw NOT_SIMPLE;
  const nl = standalone.indexOf('\n');
  const header = standalone.slice(0, nl);
  const body = standalone.slice(nl + 1, -1); // content lines, without the final newline
  return indent ? `${header}\n${body.replace(/^(?=.)/gm, indent)}` : `${header}\n${body}`;
}

function leaf(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string' || typeof v === 'number') return scalar(v);
  if (Array.isArray(v)) return v.length ? undefined : '[]';
  if (typeof v === 'object') return Object.keys(v).length ? undefined : '{}';
  throw NOT_SIMPLE;
}

/** Appends a map's entries at `indent`; the first line's indentation is already written when `inline`. */
function writeMap(out: string[], map: Record<string, unknown>, indent: string, inline: boolean): void {
  let first = true;
  for (const [k, v] of Object.entries(map)) {
    if (v === undefined) continue;
    const key = scalar(k);
    const prefix = first && inline ? '' : indent;
    first = false;
    const block = typeof v === 'string' && v.includes('\n') ? blockScalar(v, indent) : undefined;
    const l = block ?? leaf(v);
    if (l !== undefined) out.push(`${prefix}${key}: ${l}\n`);
    else {
      out.push(`${prefix}${key}:\n`);
      if (Array.isArray(v)) writeSeq(out, v, `${indent}  `);
      else writeMap(out, v as Record<string, unknown>, `${indent}  `, false);
    }
  }
}

function writeSeq(out: string[], seq: readonly unknown[], indent: string): void {
  for (const v of seq) {
    const l = leaf(v);
    if (l !== undefined) out.push(`${indent}- ${l}\n`);
    else if (Array.isArray(v)) {
      out.push(`${indent}- `);
      writeSeqInline(out, v, `${indent}  `);
    } else {
      out.push(`${indent}- `);
      writeMap(out, v as Record<string, unknown>, `${indent}  `, true);
    }
  }
}

/** A sequence whose first item goes on the line already started by a parent's `- `. */
function writeSeqInline(out: string[], seq: readonly unknown[], indent: string): void {
  seq.forEach((v, i) => {
    const prefix = i === 0 ? '' : indent;
    const l = leaf(v);
    if (l !== undefined) out.push(`${prefix}- ${l}\n`);
    else if (Array.isArray(v)) {
      out.push(`${prefix}- `);
      writeSeqInline(out, v, `${indent}  `);
    } else {
      out.push(`${prefix}- `);
      writeMap(out, v as Record<string, unknown>, `${indent}  `, true);
    }
  });
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
      writeMap(out, value as Record<string, unknown>, '', false);
      return out.join('');
    } catch (e) {
      if (!(e instanceof NotSimple)) throw e;
    }
  }
  return jsyaml.dump(value, OPTIONS);
}

/** The general writer alone (js-yaml), for comparison. @internal */
export function toYamlGeneral(value: unknown): string {
  return jsyaml.dump(value, OPTIONS);
}

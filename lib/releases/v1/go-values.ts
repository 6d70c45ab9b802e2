/**
 * How Helm's template functions see and print values, reimplemented for the platform chart model:
 * Go template truthiness, sprig's `default`/`empty`, `quote` (Go `%q` of `%v`), `join`, `toYaml`
 * (sigs.k8s.io/yaml: keys in yaml.v2's order, each string in the style libyaml's analysis allows,
 * long lines folded at 80 columns), `b64enc`, and Helm's way of merging values files
 * (`mergeHelmValues`). test/go-values-recorded.test.ts compares them with what real helm prints;
 * the few cases they do not print as helm does are listed there.
 */
import { isPlainObject, type JsonValue, type Values } from '../../core/values.js';

/** An error of template execution (not a `fail`): what helm reports as `template: ...`. */
export class ChartTemplateError extends Error {
  constructor(
    /** The template path inside the chart, e.g. `templates/apps.yaml`. */
    readonly template: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChartTemplateError';
  }
}

/** Go template truthiness (also sprig's `empty`, negated): false, 0, nil, "" and empty lists/maps are false. */
export function truthy(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** sprig `default d v`: v unless it is empty. */
export function dflt<T extends JsonValue>(d: T, v: JsonValue | undefined): JsonValue {
  return truthy(v) ? (v as JsonValue) : d;
}

/**
 * A field walk as a template writes it (`.a.b.c`): a missing key gives nil, but walking on from
 * nil is an error, as Go's text/template reports it.
 */
export function field(template: string, root: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  for (let i = 0; i < path.length; i++) {
    if (cur === undefined || cur === null) throw new ChartTemplateError(template, `nil pointer evaluating interface {}.${path[i]}`);
    if (!isPlainObject(cur)) throw new ChartTemplateError(template, `can't evaluate field ${path[i]} in type ${goTypeName(cur)}`);
    cur = (cur as Values)[path[i]!];
  }
  return cur;
}

/** A nil-safe walk (`((.a).b).c`, or `dig`): nil as soon as a step is missing or not a map. */
export function safe(root: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  for (const k of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = (cur as Values)[k];
  }
  return cur;
}

function goTypeName(v: JsonValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's `%v` of a float64 (Helm reads every number of a values file as float64). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mant, e] = n.toExponential().split('e') as [string, string];
  const exp = Number(e);
  // %v is %g at the shortest precision: the exponent form below 1e-4 and from 1e6 on.
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** sprig's `strval` (`%v` for what is not a string). */
export function strval(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map((x) => strval(x)).join(' ')}]`;
  const keys = Object.keys(v).sort(byBytes);
  return `map[${keys.map((k) => `${k}:${strval(v[k]!)}`).join(' ')}]`;
}

/** Go's `unicode.IsPrint` (with the ASCII space): letters, marks, numbers, punctuation and symbols. */
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `strconv.Quote`: printable characters kept, the others escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (ch === ' ' || GO_PRINTABLE.test(ch)) out += ch;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** sprig `quote`: nil prints nothing at all. */
export function quote(v: JsonValue | undefined): string {
  return v === undefined || v === null ? '' : goQuote(strval(v));
}

/** sprig `join sep list` (nil elements skipped; a scalar is a list of one). */
export function join(v: JsonValue | undefined, sep: string): string {
  if (v === undefined || v === null) return '';
  const items = Array.isArray(v) ? v : [v];
  return items.filter((x) => x !== null).map((x) => strval(x)).join(sep);
}

/** sprig `has needle list`. */
export function has(template: string, list: JsonValue | undefined, needle: string): boolean {
  if (list === undefined || list === null) return false;
  if (!Array.isArray(list)) throw new ChartTemplateError(template, `error calling has: Cannot find has on type ${goTypeName(list)}`);
  return list.some((x) => x === needle);
}

/** `b64enc`. */
export function b64enc(v: JsonValue): string {
  return Buffer.from(strval(v), 'utf8').toString('base64');
}

const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ------------------------------------------------------------------------------------ toYaml

/** yaml.v2's order of map keys: letters after other characters, digit runs compared as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

/**
 * Strings yaml.v2's resolver reads as something else than a string (so its encoder asks for double
 * quotes): null, booleans, the YAML 1.1 numbers (Go's integer syntax, `_` allowed), infinities,
 * base-60 floats and timestamps.
 */
function resolvesToNonString(s: string): boolean {
  if (s === '' || s === '~') return true;
  if (/^(null|Null|NULL)$/.test(s)) return true;
  if (/^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(s)) return true;
  if (/^[-+]?(\.inf|\.Inf|\.INF)$/.test(s) || /^(\.nan|\.NaN|\.NAN)$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain) || /^[-+]?0[0-7]+$/.test(plain) || /^[-+]?0[xX][0-9a-fA-F]+$/.test(plain) || /^[-+]?0[oO][0-7]+$/.test(plain) || /^[-+]?0[bB][01]+$/.test(plain)) return true;
  if (/^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true; // base 60
  if (/^\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?$/.test(s)) return true; // timestamps
  return false;
}

/** The emitter's printable characters (yaml.v2 `is_printable`: no NEL, no BOM, nothing beyond the BMP). */
function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}
/** The emitter's line breaks that it prints: CR and NEL are breaks too, but not printable, which decides first. */
const isBreak = (c: number | undefined): boolean => c === 0x0a || c === 0x2028 || c === 0x2029;

/**
 * What libyaml's scalar analysis allows for a string in block context (yaml.v2
 * `yaml_emitter_analyze_scalar`). Kept to what changes the outcome here: plain is never allowed
 * with a line break, a tab or another character the emitter does not print, so the indicators
 * only look at spaces around them, and a leading or trailing break needs no flag of its own.
 */
interface ScalarAnalysis {
  readonly plain: boolean;
  readonly single: boolean;
  readonly block: boolean;
}
function analyze(s: string): ScalarAnalysis {
  const cs = [...s].map((ch) => ch.codePointAt(0)!);
  // toYaml writes no flow collections, so only the block indicators matter.
  let blockIndicators = /^(---|\.\.\.)/.test(s);
  let lineBreaks = false;
  let special = false;
  let breakSpace = false;
  let spaceBreak = false;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const ch = String.fromCodePoint(c);
    const spaceAfter = cs[i + 1] === undefined || cs[i + 1] === 0x20;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':' || ch === '-') && spaceAfter) blockIndicators = true;
    } else {
      if (ch === ':' && spaceAfter) blockIndicators = true;
      if (ch === '#' && cs[i - 1] === 0x20) blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) {
      lineBreaks = true;
      if (cs[i - 1] === 0x20) spaceBreak = true;
    } else if (c === 0x20 && isBreak(cs[i - 1])) breakSpace = true;
  }
  const edgeSpace = cs[0] === 0x20 || cs.at(-1) === 0x20;
  // A break next to a space is also a line break: plain is refused by lineBreaks already.
  const plain = !(edgeSpace || special || lineBreaks || blockIndicators);
  const single = !(breakSpace || spaceBreak || special);
  const block = !(cs.at(-1) === 0x20 || spaceBreak || special);
  return { plain, single, block };
}

/** The emitter's escapes in a double-quoted scalar (yaml.v2 `yaml_emitter_write_double_quoted_scalar`). */
function yamlEscape(c: number): string {
  const named: Record<number, string> = { 0: '0', 7: 'a', 8: 'b', 9: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P' };
  if (named[c] !== undefined) return `\\${named[c]}`;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** The emitter's line width: a space past this column is written as a line break. */
const BEST_WIDTH = 80;

/**
 * A scalar as yaml.v2 writes it starting at `column`, its continuation lines (when it folds a long
 * line at a space) at `indent`; `breaks` is false for keys, which never fold.
 */
function scalarText(s: string, column: number, indent: number, breaks: boolean): string {
  // A string with a line break gets here only when it cannot be a literal block (block() and
  // toYaml write those): yaml.v2 then writes it double-quoted, as it does a string that would read
  // as something else.
  const a = analyze(s);
  const style = s.includes('\n') || resolvesToNonString(s) ? 'double' : a.plain ? 'plain' : a.single ? 'single' : 'double';
  const cs = [...s];
  const pad = ' '.repeat(indent);
  let out = '';
  let col = column;
  const put = (t: string): void => {
    out += t;
    col += [...t].length;
  };
  const newLine = (): void => {
    out += `\n${pad}`;
    col = indent;
  };
  if (style === 'plain' || style === 'single') {
    const quoted = style === 'single';
    if (quoted) put("'");
    let spaces = false;
    // A line or paragraph separator (the only breaks a single-quoted string can hold) is written
    // as it is; the line after it starts at the indentation.
    let afterBreak = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      if (ch === ' ') {
        const inner = !quoted || (i > 0 && i < cs.length - 1);
        if (breaks && !spaces && col > BEST_WIDTH && inner && cs[i + 1] !== ' ') newLine();
        else put(' ');
        spaces = true;
      } else if (isBreak(ch.codePointAt(0))) {
        out += ch;
        col = 0;
        afterBreak = true;
      } else {
        if (afterBreak) put(pad);
        afterBreak = false;
        put(quoted && ch === "'" ? "''" : ch);
        spaces = false;
      }
    }
    if (quoted) put("'");
    return out;
  }
  put('"');
  let spaces = false;
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i]!;
    const c = ch.codePointAt(0)!;
    if (!isPrintable(c) || isBreak(c) || ch === '"' || ch === '\\') {
      put(yamlEscape(c));
      spaces = false;
    } else if (ch === ' ') {
      if (breaks && !spaces && col > BEST_WIDTH && i > 0 && i < cs.length - 1) {
        newLine();
        if (cs[i + 1] === ' ') put('\\');
      } else put(' ');
      spaces = true;
    } else {
      put(ch);
      spaces = false;
    }
  }
  put('"');
  return out;
}

/** A scalar value at `column`, continued at `indent` (numbers as a float64 is written, booleans, null, strings). */
function yamlScalar(v: JsonValue, column = 0, indent = 2, breaks = true): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : goFloat(v);
  return scalarText(v as string, column, indent, breaks);
}

const nonEmpty = (v: JsonValue): boolean => (Array.isArray(v) ? v.length > 0 : isPlainObject(v) && Object.keys(v).length > 0);

function inline(v: JsonValue, column: number, indent: number): string {
  if (Array.isArray(v)) return '[]';
  if (isPlainObject(v)) return '{}';
  return yamlScalar(v, column, indent);
}

/** A literal block for a string with line breaks: its header and its lines at `pad`. */
function literal(s: string, pad: string): [string, string[]] {
  // An indentation indicator when the first line starts with a space or is empty; keep (+) when
  // the string ends in two breaks or is a single break, strip (-) when it ends in none.
  const hint = /^[ \n]/.test(s) ? '2' : '';
  const chomp = s.endsWith('\n') ? (/\n\n$/.test(s) || s === '\n' ? '+' : '') : '-';
  const body = chomp === '-' ? s : s.slice(0, -1);
  return [`|${hint}${chomp}`, body.split('\n').map((l) => (l ? pad + l : ''))];
}

/** Whether a string is written as a literal block at this place. */
const isLiteral = (v: JsonValue): v is string => typeof v === 'string' && v.includes('\n') && analyze(v).block;

/** The lines of a non-empty map or list at `indent` spaces (yaml.v2 layout: lists not indented under their key). */
function block(v: JsonValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      if (nonEmpty(item)) {
        const sub = block(item, indent + 2);
        out.push(`${pad}- ${sub[0]!.slice(indent + 2)}`, ...sub.slice(1));
      } else if (isLiteral(item)) {
        const [head, lines] = literal(item, `${pad}  `);
        out.push(`${pad}- ${head}`, ...lines);
      } else out.push(`${pad}- ${inline(item, indent + 2, indent + 2)}`);
    }
    return out;
  }
  const m = v as Values;
  const keys = Object.keys(m).sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
  for (const k of keys) {
    const val = m[k]!;
    const key = `${pad}${yamlScalar(k, indent, indent, false)}:`;
    if (Array.isArray(val) && val.length) out.push(key, ...block(val, indent));
    else if (nonEmpty(val)) out.push(key, ...block(val, indent + 2));
    else if (isLiteral(val)) {
      const [head, lines] = literal(val, `${pad}  `);
      out.push(`${key} ${head}`, ...lines);
    } else out.push(`${key} ${inline(val, [...key].length + 1, indent + 2)}`);
  }
  return out;
}

/** Characters yaml.v2's reader refuses in the JSON that sigs.k8s.io/yaml converts (json.Marshal leaves them raw). */
const UNREADABLE = /[\x7f-\x84\x86-\x9f\ufffe\uffff]/u;
function readable(v: JsonValue): boolean {
  if (typeof v === 'string') return !UNREADABLE.test(v);
  if (Array.isArray(v)) return v.every(readable);
  if (isPlainObject(v)) return Object.entries(v as Values).every(([k, x]) => !UNREADABLE.test(k) && readable(x));
  return true;
}

/** Helm's `toYaml` (no trailing newline; empty when the conversion fails, as helm's is). */
export function toYaml(v: JsonValue): string {
  if (!readable(v)) return '';
  if (nonEmpty(v)) return block(v, 0).join('\n');
  if (isLiteral(v)) {
    const [head, lines] = literal(v, '  ');
    return [head, ...lines].join('\n');
  }
  return inline(v, 0, 2);
}

/** Helm's `indent n` / `nindent n`. */
export function indent(n: number, text: string): string {
  const pad = ' '.repeat(n);
  return pad + text.replace(/\n/g, `\n${pad}`);
}

// ------------------------------------------------------------------------------------ values

/**
 * The values a chart sees, merged as `helm template -f a.yaml -f b.yaml` merges them: the files
 * given with -f merge into each other key by key (a later file wins, a `null` replaces), then the
 * result is coalesced with the chart's `values.yaml`, where a `null` deletes the chart's key.
 * A user table where the chart has a scalar (and the reverse) keeps the user's value.
 */
export function mergeHelmValues(chartDefaults: Values, ...userFiles: readonly Values[]): Values {
  let user: Values = {};
  for (const f of userFiles) user = mergeMaps(user, f);
  return coalesce(user, chartDefaults);
}

function mergeMaps(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(v) && isPlainObject(prev) ? mergeMaps(prev as Values, v as Values) : v;
  }
  return out;
}

function coalesce(user: Values, defaults: Values): Values {
  const out: Values = { ...user };
  for (const [k, d] of Object.entries(defaults)) {
    if (!(k in out)) {
      out[k] = d;
      continue;
    }
    const u = out[k];
    if (u === null) delete out[k];
    else if (isPlainObject(u) && isPlainObject(d)) out[k] = coalesce(u as Values, d as Values);
  }
  return out;
}

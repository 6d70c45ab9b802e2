/**
 * A deliberately small evaluator for the subset of Go/Helm template syntax that Cozystack
 * v0.41.11's bundle files (packages/core/platform/bundles/*.yaml) use. It is the project's own
 * code: it does not render Helm charts, it turns a bundle file into YAML data for one given
 * `cozystack` ConfigMap ("world"), printing every value that comes from the cluster as a
 * placeholder token instead of a concrete value.
 *
 * Supported: `{{- ... -}}` whitespace trimming, `{{/* comments *\/}}`, `$v := pipeline`,
 * `if` / `else` / `end`, pipelines with `|`, parentheses, string literals, `$var.field`, `.`,
 * and the functions lookup, index, default, not, eq, fail, include, sha256sum, toJson, dig,
 * fromYaml, toYaml, deepCopy, mergeOverwrite, nindent, dict. Anything else throws, so a new upstream
 * construct is noticed instead of silently misread.
 */

/** A value of the evaluator. Objects stand for things of the cluster the script cannot know. */
export type Value =
  | string
  | boolean
  | undefined
  | { t: 'root' }
  | { t: 'configmap'; namespace: string; name: string }
  | { t: 'data'; of: { namespace: string; name: string } }
  | { t: 'cfg'; key: string; value: string | undefined; dflt?: string }
  | { t: 'helper'; name: string }
  | { t: 'json'; of: Value }
  | { t: 'merge'; parts: Value[] }
  | { t: 'placeholder'; name: string }
  | { t: 'opaque'; what: string };

/** A placeholder printed into the output: its name and where its value comes from. */
export interface PlaceholderInfo {
  /** The `cozystack` ConfigMap key, `(whole ConfigMap)`, or null for values computed from other objects. */
  configKey: string | null;
  default?: string;
}

/** A `fail` reached; carries what the render had read until then. */
export class TemplateFail extends Error {
  keysRead: string[] = [];
  comparedWith = new Map<string, Set<string>>();
}

/** Names given to the hashed or helper-rendered values the bundle files print. */
const HASH_NAMES: Readonly<Record<string, string>> = {
  'include:cozystack.master-node-ips': 'masterNodesHash',
  'toJson:configmap:cozy-system/cozystack': 'cozystackConfigMapHash',
};
const HELPER_PLACEHOLDERS: Readonly<Record<string, string>> = {
  'cozystack.defaultDashboardValues': 'defaultDashboardValues',
};
/** The ConfigMap whose data is the world. */
const CONFIG = { namespace: 'cozy-system', name: 'cozystack' };

/** `ipv4-pod-cidr` -> `ipv4PodCidr`. */
export function camel(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export const PLACEHOLDER_TOKEN = /__PH_([A-Za-z0-9]+)__/g;

// ------------------------------------------------------------------------------------ parsing

type Node = { k: 'text'; s: string } | { k: 'action'; src: string } | { k: 'if'; cond: string; then: Node[]; else: Node[] };

function tokenize(src: string): ({ k: 'text'; s: string } | { k: 'action'; src: string })[] {
  const out: ({ k: 'text'; s: string } | { k: 'action'; src: string })[] = [];
  const re = /\{\{(-?)([\s\S]*?)(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    out.push({ k: 'text', s: text });
    const body = m[2]!.trim();
    if (!body.startsWith('/*')) out.push({ k: 'action', src: body });
    trimNext = m[3] === '-';
    last = m.index + m[0].length;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  out.push({ k: 'text', s: tail });
  return out;
}

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: { node: Extract<Node, { k: 'if' }>; inElse: boolean }[] = [];
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.node.else : top.node.then) : root;
  };
  for (const tok of tokenize(src)) {
    if (tok.k === 'text') {
      if (tok.s) target().push(tok);
      continue;
    }
    const word = /^(\w+)\b\s*([\s\S]*)$/.exec(tok.src);
    const kw = word?.[1];
    if (kw === 'if') {
      const node: Extract<Node, { k: 'if' }> = { k: 'if', cond: word![2]!, then: [], else: [] };
      target().push(node);
      stack.push({ node, inElse: false });
    } else if (kw === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse || word![2]) throw new Error(`unsupported template construct '{{ ${tok.src} }}'`);
      top.inElse = true;
    } else if (kw === 'end') {
      if (!stack.pop()) throw new Error('unbalanced {{ end }}');
    } else if (kw === 'range' || kw === 'with' || kw === 'define' || kw === 'block' || kw === 'template') {
      throw new Error(`unsupported template construct '{{ ${tok.src} }}'`);
    } else target().push(tok);
  }
  if (stack.length) throw new Error('unterminated {{ if }}');
  return root;
}

type Tok = { t: 'str'; v: string } | { t: 'var'; name: string; path: string[] } | { t: 'dot' } | { t: 'ident'; v: string } | { t: '(' } | { t: ')' } | { t: '|' } | { t: ':=' } | { t: '=' };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') j++;
        s += src[j];
        j++;
      }
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if (c === '$') {
      const m = /^\$(\w*)((?:\.\w+)*)/.exec(src.slice(i))!;
      out.push({ t: 'var', name: m[1]!, path: m[2]!.split('.').filter(Boolean) });
      i += m[0].length;
    } else if (c === '.' && !/[\w]/.test(src[i + 1] ?? '')) {
      out.push({ t: 'dot' });
      i++;
    } else if (c === '(' || c === ')' || c === '|') {
      out.push({ t: c });
      i++;
    } else if (src.startsWith(':=', i)) {
      out.push({ t: ':=' });
      i += 2;
    } else if (c === '=') {
      out.push({ t: '=' });
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(src.slice(i))!;
      out.push({ t: 'str', v: m[0] });
      i += m[0].length;
    } else {
      const m = /^\w+/.exec(src.slice(i));
      if (!m) throw new Error(`cannot read template expression '${src}'`);
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------- evaluation

export interface Evaluation {
  /** The rendered text, with placeholder tokens `__PH_<name>__`. */
  text: string;
  /** Every placeholder printed, with its origin. */
  placeholders: Map<string, PlaceholderInfo>;
  /** `cozystack` ConfigMap keys read, in the order first read. */
  keysRead: string[];
  /** String literals each key was compared with (`eq`). */
  comparedWith: Map<string, Set<string>>;
}

function truthy(v: Value): boolean {
  if (v === undefined || v === false) return false;
  if (typeof v === 'string') return v !== '';
  if (v === true) return true;
  if (v.t === 'cfg') return (v.value ?? v.dflt ?? '') !== '';
  return true;
}

function concrete(v: Value): unknown {
  if (v !== undefined && typeof v === 'object' && v.t === 'cfg') return v.value ?? v.dflt;
  return v;
}

function mentions(v: Value, pred: (v: Value) => boolean): boolean {
  if (pred(v)) return true;
  if (v === undefined || typeof v !== 'object') return false;
  if (v.t === 'json') return mentions(v.of, pred);
  if (v.t === 'merge') return v.parts.some((p) => mentions(p, pred));
  return false;
}

/** Renders `src` for the ConfigMap data `world` (missing keys are absent). Throws TemplateFail on `fail`. */
export function evaluate(src: string, world: Readonly<Record<string, string>>): Evaluation {
  const vars = new Map<string, Value>([['', { t: 'root' }]]);
  const ev: Evaluation = { text: '', placeholders: new Map(), keysRead: [], comparedWith: new Map() };

  const placeholder = (name: string, info: PlaceholderInfo): Value => {
    ev.placeholders.set(name, info);
    return { t: 'placeholder', name };
  };

  const call = (fn: string, args: Value[]): Value => {
    switch (fn) {
      case 'lookup':
        if (args[1] === 'ConfigMap') return { t: 'configmap', namespace: String(args[2]), name: String(args[3]) };
        return { t: 'opaque', what: `lookup ${String(args[1])}` };
      case 'index': {
        const [obj, key] = args;
        if (obj && typeof obj === 'object' && obj.t === 'data' && obj.of.namespace === CONFIG.namespace && obj.of.name === CONFIG.name) {
          const k = String(key);
          if (!ev.keysRead.includes(k)) ev.keysRead.push(k);
          return { t: 'cfg', key: k, value: world[k] };
        }
        return { t: 'opaque', what: 'index' };
      }
      case 'default': {
        const [d, v] = args;
        if (v && typeof v === 'object' && v.t === 'cfg') return { ...v, dflt: String(d) };
        return truthy(v) ? v : d;
      }
      case 'not':
        return !truthy(args[0]);
      case 'eq': {
        const [a, b] = args;
        for (const [x, y] of [[a, b], [b, a]] as const) {
          if (x && typeof x === 'object' && x.t === 'cfg' && typeof y === 'string') {
            if (!ev.comparedWith.has(x.key)) ev.comparedWith.set(x.key, new Set());
            ev.comparedWith.get(x.key)!.add(y);
          }
        }
        return concrete(a) === concrete(b);
      }
      case 'fail':
        throw new TemplateFail(String(args[0]));
      case 'include':
        return { t: 'helper', name: String(args[0]) };
      case 'toJson':
        return { t: 'json', of: args[0] };
      case 'sha256sum': {
        const v = args[0];
        let key = '';
        if (v && typeof v === 'object' && v.t === 'helper') key = `include:${v.name}`;
        else if (v && typeof v === 'object' && v.t === 'json' && v.of && typeof v.of === 'object' && v.of.t === 'configmap') key = `toJson:configmap:${v.of.namespace}/${v.of.name}`;
        const name = HASH_NAMES[key];
        if (!name) throw new Error(`sha256sum of an unknown value (${key || JSON.stringify(v)})`);
        return placeholder(name, { configKey: key === `toJson:configmap:${CONFIG.namespace}/${CONFIG.name}` ? '(whole ConfigMap)' : null });
      }
      case 'dict':
      case 'dig':
        return { t: 'opaque', what: 'dig' };
      case 'fromYaml':
      case 'deepCopy':
        return args[0];
      case 'mergeOverwrite':
        return { t: 'merge', parts: args };
      case 'toYaml': {
        for (const [helper, name] of Object.entries(HELPER_PLACEHOLDERS)) {
          if (mentions(args[0], (x) => !!x && typeof x === 'object' && x.t === 'helper' && x.name === helper)) return placeholder(name, { configKey: null });
        }
        throw new Error('toYaml of a value the script cannot represent');
      }
      case 'nindent':
        return `\n${' '.repeat(Number(args[0]))}${print(args[1])}`;
      default:
        throw new Error(`unsupported template function '${fn}'`);
    }
  };

  const print = (v: Value): string => {
    if (v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return String(v);
    if (v.t === 'placeholder') return `__PH_${v.name}__`;
    if (v.t === 'cfg') {
      const name = camel(v.key);
      placeholder(name, v.dflt !== undefined ? { configKey: v.key, default: v.dflt } : { configKey: v.key });
      return `__PH_${name}__`;
    }
    throw new Error(`cannot print a ${v.t} value`);
  };

  const field = (v: Value, path: string[]): Value => {
    let cur = v;
    for (const p of path) {
      if (cur && typeof cur === 'object' && cur.t === 'configmap' && p === 'data') cur = { t: 'data', of: { namespace: cur.namespace, name: cur.name } };
      else throw new Error(`unsupported field access .${p}`);
    }
    return cur;
  };

  const pipeline = (toks: Tok[], pos: { i: number }, end: Tok['t'] | null): Value => {
    let piped: Value | typeof NONE = NONE;
    for (;;) {
      // one command: operands up to '|' or the end
      const operands: (Value | { fn: string })[] = [];
      while (pos.i < toks.length && toks[pos.i]!.t !== '|' && toks[pos.i]!.t !== end) {
        const t = toks[pos.i++]!;
        if (t.t === 'str') operands.push(t.v);
        else if (t.t === 'dot') operands.push({ t: 'root' });
        else if (t.t === 'var') {
          if (!vars.has(t.name)) throw new Error(`undefined variable $${t.name}`);
          operands.push(field(vars.get(t.name), t.path));
        } else if (t.t === '(') {
          operands.push(pipeline(toks, pos, ')'));
          if (toks[pos.i]?.t !== ')') throw new Error('missing )');
          pos.i++;
        } else if (t.t === 'ident') {
          if (t.v === 'true' || t.v === 'false') operands.push(t.v === 'true');
          else operands.push({ fn: t.v });
        } else throw new Error(`unexpected '${t.t}' in template expression`);
      }
      const [head, ...rest] = operands;
      if (head === undefined) throw new Error('empty command in template expression');
      const args = rest.map((a) => {
        if (a && typeof a === 'object' && 'fn' in a) return call(a.fn, []);
        return a as Value;
      });
      if (piped !== NONE) args.push(piped as Value);
      let result: Value;
      if (head && typeof head === 'object' && 'fn' in head) result = call(head.fn, args);
      else {
        if (args.length) throw new Error('a value cannot take arguments');
        result = head as Value;
      }
      piped = result;
      if (toks[pos.i]?.t === '|') {
        pos.i++;
        continue;
      }
      return result;
    }
  };

  const expr = (src: string): Value => {
    const toks = lex(src);
    const pos = { i: 0 };
    const v = pipeline(toks, pos, null);
    if (pos.i !== toks.length) throw new Error(`cannot read template expression '${src}'`);
    return v;
  };

  const run = (nodes: Node[]): string => {
    let out = '';
    for (const n of nodes) {
      if (n.k === 'text') out += n.s;
      else if (n.k === 'if') out += run(truthy(expr(n.cond)) ? n.then : n.else);
      else {
        const m = /^\$(\w+)\s*(:=|=)\s*([\s\S]+)$/.exec(n.src);
        if (m) vars.set(m[1]!, expr(m[3]!));
        else out += print(expr(n.src));
      }
    }
    return out;
  };

  try {
    ev.text = run(parse(src));
  } catch (e) {
    if (e instanceof TemplateFail) {
      e.keysRead = ev.keysRead;
      e.comparedWith = ev.comparedWith;
    }
    throw e;
  }
  return ev;
}

const NONE = Symbol('none');

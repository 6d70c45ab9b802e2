import jsyaml from 'js-yaml';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Composer, type Document, isAlias, isMap, isScalar, isSeq, isPair, Lexer, LineCounter, Parser } from 'yaml';
import { CozystackValidationError, type Problem } from '../core/errors.js';

/** One YAML document read from a file. */
export interface InputDocument {
  /** The file, as the user named it (or as found in a folder they named). */
  readonly file: string;
  /** Position of the document in the file, from 1. */
  readonly index: number;
  /** The parsed document. */
  readonly value: unknown;
}

/** Limits on input, against hostile or broken files. */
export interface InputLimits {
  /** Largest file read, in bytes. @default 16 MiB */
  readonly maxFileBytes?: number;
  /** Aliases one document may use. @default 100 */
  readonly maxAliases?: number;
  /** Deepest nesting of maps and lists. @default 64 */
  readonly maxDepth?: number;
  /** Most files read. @default 100000 */
  readonly maxFiles?: number;
  /** Most YAML nodes (scalars, aliases, collections and their entries) in one document. @default 100000 */
  readonly maxNodes?: number;
  /** Most YAML nodes in one file. @default 1000000 */
  readonly maxFileNodes?: number;
  /** Most documents in one file. @default 100000 */
  readonly maxDocuments?: number;
  /**
   * Most YAML nodes in the whole input (every file), counted after alias expansion as
   * `maxNodes` is: what the documents become once read.
   * @default 10000000
   */
  readonly maxInputNodes?: number;
}

/** `file#n`, how problems name a document. */
export function documentName(d: { file: string; index: number }): string {
  return `${d.file}#${d.index}`;
}

interface Limits {
  readonly maxBytes: number;
  readonly maxAliases: number;
  readonly maxDepth: number;
  readonly maxFiles: number;
  readonly maxNodes: number;
  readonly maxFileNodes: number;
  readonly maxDocuments: number;
  readonly maxInputNodes: number;
}

/**
 * Reads every YAML document of the given files and folders (folders recursively, `.yaml` and
 * `.yml` files, in name order; symbolic links followed once). Every problem (unreadable file,
 * invalid UTF-8, YAML syntax, duplicate keys, alias bombs, too deep nesting, too many nodes or
 * documents) is reported at once.
 *
 * Hostile input is refused before it is parsed: each file is first lexed (no tree is built) and
 * checked against the limits, so memory and time stay proportional to the limits, not to what a
 * file claims (an alias bomb, a deep nesting or a huge flat map never reaches the parser).
 */
export function readYamlInputs(paths: readonly string[], limits: InputLimits = {}): InputDocument[] {
  const { documents, problems } = readYamlInputsReport(paths, limits);
  if (problems.length) throw new CozystackValidationError(problems, 'cannot read the input');
  return documents;
}

/**
 * {@link readYamlInputs} without throwing: the documents that could be read, and every problem of
 * those that could not (so that the documents read can still be checked, all in one report).
 */
export function readYamlInputsReport(paths: readonly string[], limits: InputLimits = {}): { documents: InputDocument[]; problems: Problem[] } {
  const l: Limits = {
    maxBytes: limits.maxFileBytes ?? 16 * 1024 * 1024,
    maxAliases: limits.maxAliases ?? 100,
    maxDepth: limits.maxDepth ?? 64,
    maxFiles: limits.maxFiles ?? 100_000,
    maxNodes: limits.maxNodes ?? 100_000,
    maxFileNodes: limits.maxFileNodes ?? 1_000_000,
    maxDocuments: limits.maxDocuments ?? 100_000,
    maxInputNodes: limits.maxInputNodes ?? 10_000_000,
  };
  let inputNodes = 0; // nodes of the documents read so far, after alias expansion
  let inputRefused = false;
  const overInput = (subject: string, added: number): boolean => {
    inputNodes += added;
    if (inputNodes <= l.maxInputNodes) return false;
    if (!inputRefused) problems.push({ subject, path: '', message: `more than ${l.maxInputNodes} YAML nodes in the input (every file, after alias expansion); the documents past it are not read`, rule: 'too-many-nodes' });
    inputRefused = true;
    return true;
  };
  const problems: Problem[] = [];
  const files = listFiles(paths, l, problems);
  const docs: InputDocument[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const file of files) {
    if (inputRefused) break;
    const bytes = readBounded(file, l.maxBytes, problems);
    if (!bytes) continue;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      problems.push({ subject: file, path: '', message: 'is not valid UTF-8 text', rule: 'invalid-encoding' });
      continue;
    }
    // Plain files within the limits take the fast path; anything else (and anything the fast
    // path cannot read) is pre-scanned and parsed carefully, which reports what is wrong.
    const fast = fastLoad(text);
    const fastNodes = fast ? withinLimits(fast, l) : undefined;
    if (fast && fastNodes !== undefined) {
      if (overInput(file, fastNodes)) break;
      fast.forEach((value, i) => {
        if (value !== null && value !== undefined) docs.push({ file, index: i + 1, value });
      });
      continue;
    }
    const lines = new LineCounter();
    const refused = prescan(text, l);
    if (refused.length) {
      const all = countLines(text);
      for (const r of refused) {
        const pos = r.offset === undefined ? undefined : position(all, r.offset);
        problems.push({ subject: r.document ? `${file}#${r.document}` : file, path: pos ?? '', message: r.message, rule: r.rule });
      }
      continue;
    }
    let index = 0;
    const handle = (doc: Document.Parsed): void => {
      index++;
      const where = { subject: `${file}#${index}`, path: '' };
      const errors = [...doc.errors.map((e) => ({ pos: e.pos[0], code: e.code as string, message: e.message })), ...duplicateKeys(doc)].sort((a, b) => a.pos - b.pos);
      if (errors.length) {
        for (const err of errors) {
          const pos = lines.linePos(err.pos);
          const overflow = /Maximum call stack size exceeded/.test(err.message);
          problems.push({
            ...where,
            path: pos ? `line ${pos.line}, column ${pos.col}` : '',
            message: overflow ? `nesting deeper than ${l.maxDepth} levels` : firstLine(err.message),
            rule: overflow ? 'too-deep' : err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
          });
        }
        return;
      }
      // Nodes after alias expansion (an alias counts as the node it names, whole): what toJS
      // would build, counted first in time linear in the document's size.
      if (inputRefused) return;
      let expanded: number;
      try {
        expanded = expandedNodes(doc, Math.max(l.maxNodes, l.maxInputNodes - inputNodes));
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        problems.push({ ...where, message: `nesting deeper than ${l.maxDepth} levels`, rule: 'too-deep' });
        return;
      }
      if (expanded > l.maxNodes) {
        problems.push({ ...where, message: `more than ${l.maxNodes} YAML nodes in one document after alias expansion`, rule: 'too-many-nodes' });
        return;
      }
      if (overInput(where.subject, expanded)) return;
      let value: unknown;
      try {
        // yaml counts the anchored node itself with its aliases: maxAliases aliases are maxAliases + 1.
        value = doc.toJS({ maxAliasCount: l.maxAliases + 1 });
      } catch (e) {
        const message = (e as Error).message;
        if (e instanceof RangeError) problems.push({ ...where, message: `nesting deeper than ${l.maxDepth} levels`, rule: 'too-deep' });
        else if (/Excessive alias count/.test(message)) problems.push({ ...where, message: `${firstLine(message)} (more than ${l.maxAliases} alias expansions)`, rule: 'alias-limit' });
        else problems.push({ ...where, message: firstLine(message), rule: 'yaml-syntax' });
        return;
      }
      if (value === null || value === undefined) return;
      if (depth(value, l.maxDepth + 1) > l.maxDepth) {
        problems.push({ ...where, message: `nesting deeper than ${l.maxDepth} levels`, rule: 'too-deep' });
        return;
      }
      docs.push({ file, index, value });
    };
    // One document at a time: a document's syntax tree is dropped once its value is taken.
    // Duplicate keys are found by duplicateKeys() in linear time (the parser's own check is
    // quadratic in the size of a map: 100,000 keys took minutes).
    const composer = new Composer({ uniqueKeys: false, prettyErrors: false, strict: true, version: '1.2' });
    try {
      for (const token of new Parser(lines.addNewLine).parse(text)) for (const doc of composer.next(token)) handle(doc);
      for (const doc of composer.end()) handle(doc);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      problems.push({ subject: `${file}#${index + 1}`, path: '', message: `nesting deeper than ${l.maxDepth} levels`, rule: 'too-deep' });
    }
  }
  return { documents: docs, problems };
}

/**
 * The documents of a plain file (no anchors, aliases, tags, merge keys or directives), parsed with js-yaml's
 * YAML 1.2 core schema: about ten times faster than the careful path, and the same values. Any
 * error, and any file with those features, returns undefined: the careful path then parses it
 * and reports problems with their positions.
 */
function fastLoad(text: string): unknown[] | undefined {
  // Besides anchors, aliases, tags, merge keys and directives, the two libraries read a few
  // plain scalars differently (signed .5, 0b/0x/0o with sign, huge exponents, empty flow keys).
  if (/[&*!%]|<<|[-+]\.\d|0[bBxXoO]|[eE][-+]?\d{3}|[[{,]\s*:/.test(text)) return undefined;
  try {
    return jsyaml.loadAll(text, null, { schema: jsyaml.CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
}

/**
 * The nodes of fast-loaded documents when they respect every limit (nodes counted as the pre-scan
 * counts them: keys too), undefined when they do not.
 */
function withinLimits(docs: readonly unknown[], l: Limits): number | undefined {
  if (docs.length > l.maxDocuments) return undefined;
  let fileNodes = 0;
  for (const doc of docs) {
    let nodes = 0;
    const stack: [unknown, number][] = [[doc, 0]];
    while (stack.length) {
      const [v, d] = stack.pop()!;
      nodes++;
      // A map or list at depth d is nesting level d + 1, empty or not (as the careful reader counts).
      if (d > l.maxDepth || (d === l.maxDepth && typeof v === 'object' && v !== null)) return undefined;
      if (Array.isArray(v)) for (const x of v) stack.push([x, d + 1]);
      else if (typeof v === 'object' && v !== null) {
        for (const x of Object.values(v)) {
          nodes++; // the key
          stack.push([x, d + 1]);
        }
      }
    }
    fileNodes += nodes;
    if (nodes > l.maxNodes || fileNodes > l.maxFileNodes) return undefined;
  }
  return fileNodes;
}

/**
 * Nodes of a parsed document after alias expansion, counted as the reader counts them (a map's
 * keys and values, a list's items, each collection and scalar once; an alias as the whole node it
 * names), each node's count computed once, so time is linear in the document's size whatever
 * the expansion. Counting stops past `cap` (returns cap + 1); an alias inside the node it names
 * (a cycle) expands without end and counts as cap + 1.
 */
function expandedNodes(doc: Document.Parsed, cap: number): number {
  const memo = new Map<object, number>();
  const active = new Set<object>();
  const count = (node: unknown): number => {
    if (node === null || node === undefined || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      return target === undefined ? 1 : count(target);
    }
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (active.has(node)) return cap + 1;
    active.add(node);
    let n = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        n += count(pair.key) + count(pair.value);
        if (n > cap) break;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        n += isPair(item) ? count(item.key) + count(item.value) : count(item);
        if (n > cap) break;
      }
    }
    active.delete(node);
    n = Math.min(n, cap + 1);
    memo.set(node, n);
    return n;
  };
  return count(doc.contents);
}

/** The files named by `paths`, folders walked recursively in name order, each real file once. */
function listFiles(paths: readonly string[], l: Limits, problems: Problem[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  let refusedFiles = false;
  const walk = (path: string): void => {
    let real: string;
    let st;
    try {
      real = realpathSync(path);
      st = statSync(real);
    } catch (e) {
      problems.push({ subject: path, path: '', message: `cannot read: ${describeError(e)}`, rule: 'unreadable' });
      return;
    }
    if (seen.has(real)) return; // a link back into a folder already read, or a file named twice
    seen.add(real);
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(real).sort();
      } catch (e) {
        problems.push({ subject: path, path: '', message: `cannot list: ${describeError(e)}`, rule: 'unreadable' });
        return;
      }
      for (const e of entries) {
        if (e.startsWith('.')) continue;
        const child = join(path, e);
        let isDir = false;
        try {
          isDir = statSync(child).isDirectory();
        } catch {
          isDir = false;
        }
        if (isDir || /\.ya?ml$/.test(e)) walk(child);
      }
    } else if (st.isFile()) {
      if (files.length >= l.maxFiles) {
        if (!refusedFiles) problems.push({ subject: path, path: '', message: `more than ${l.maxFiles} input files`, rule: 'too-many-files' });
        refusedFiles = true;
        return;
      }
      files.push(path);
    } else {
      problems.push({ subject: path, path: '', message: 'not a file or folder (a pipe, socket or device is not read)', rule: 'unreadable' });
    }
  };
  for (const p of paths) walk(p);
  return files;
}

/**
 * The bytes of a regular file of at most `max` bytes. Opened without blocking (a file replaced by
 * a pipe after it was listed does not hang the run) and read at most `max + 1` bytes (a file that
 * grows while read, or that reports no size, is still bounded).
 */
function readBounded(file: string, max: number, problems: Problem[]): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) {
      problems.push({ subject: file, path: '', message: 'not a file or folder (a pipe, socket or device is not read)', rule: 'unreadable' });
      return undefined;
    }
    if (st.size > max) {
      problems.push({ subject: file, path: '', message: `file is larger than ${max} bytes (${st.size} bytes)`, rule: 'file-too-large' });
      return undefined;
    }
    let buf = Buffer.alloc(st.size + 1);
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > max) {
          problems.push({ subject: file, path: '', message: `file is larger than ${max} bytes`, rule: 'file-too-large' });
          return undefined;
        }
        // The file is longer than it said (it grew, or reports no size): read on, up to the limit.
        const bigger = Buffer.alloc(Math.min(max + 1, Math.max(64 * 1024, buf.length * 2)));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) return buf.subarray(0, length);
      length += n;
    }
  } catch (e) {
    problems.push({ subject: file, path: '', message: `cannot read: ${describeError(e)}`, rule: 'unreadable' });
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `permission denied (EACCES)`, `no such file or folder (ENOENT)`, ... */
function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ELOOP: 'too many levels of symbolic links',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'is a folder',
    EIO: 'input/output error',
    ENAMETOOLONG: 'name too long',
  };
  if (err.code) return known[err.code] ? `${known[err.code]} (${err.code})` : err.code;
  return err.message ?? String(e);
}

/** A refusal found by {@link prescan}. */
interface Refusal {
  readonly document?: number;
  readonly offset?: number;
  readonly message: string;
  readonly rule: string;
}

/**
 * Lexes a file (no syntax tree) and refuses it when a document nests flow collections deeper than
 * the limit, uses more aliases or nodes than allowed, or when the file holds too many documents.
 * Documents are numbered as the parser numbers them.
 */
function prescan(text: string, l: Limits): Refusal[] {
  const out: Refusal[] = [];
  let doc = 0;
  let inDoc = false;
  let flow = 0;
  let nodes = 0;
  let fileNodes = 0;
  let aliases = 0;
  let refused = false; // the current document already has a refusal
  let offset = 0;
  const startDocument = (): boolean => {
    doc++;
    inDoc = true;
    flow = 0;
    nodes = 0;
    aliases = 0;
    refused = false;
    if (doc > l.maxDocuments) {
      out.push({ message: `more than ${l.maxDocuments} documents in one file`, rule: 'too-many-documents' });
      return false;
    }
    return true;
  };
  let scalarNext = false; // the lexer marks a plain or block scalar, then gives its source
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    const mark = token.length === 1 && (token === '\u0002' || token === '\u0018' || token === '\u001f');
    if (!mark) offset += token.length;
    if (mark) {
      scalarNext = token === '\u001f';
      continue;
    }
    const isScalar = scalarNext;
    scalarNext = false;
    const first = token[0];
    if (!isScalar) {
      if (first === ' ' || first === '\t' || first === '\n' || first === '\r' || first === '#' || token === '\ufeff') continue;
      if (token === '---') {
        flow = 0;
        if (!startDocument()) return out;
        continue;
      }
      if (token === '...') {
        inDoc = false;
        flow = 0;
        continue;
      }
      if (first === '%' && !inDoc) continue; // a directive
    } else if (!token.trim()) continue;
    if (!inDoc && !startDocument()) return out;
    if (refused) continue;
    if (!isScalar) {
      if (token === '[' || token === '{') {
        flow++;
        if (flow > l.maxDepth) {
          out.push({ document: doc, offset: at, message: `nesting deeper than ${l.maxDepth} levels`, rule: 'too-deep' });
          refused = true;
          continue;
        }
      } else if (token === ']' || token === '}') {
        if (flow > 0) flow--;
        continue;
      } else if (first === '*') {
        aliases++;
        if (aliases > l.maxAliases) {
          out.push({ document: doc, offset: at, message: `more than ${l.maxAliases} aliases in one document`, rule: 'alias-limit' });
          refused = true;
          continue;
        }
      } else if (first === ',' || first === '&' || first === '!') continue;
    }
    nodes++;
    fileNodes++;
    if (fileNodes > l.maxFileNodes) {
      out.push({ document: doc, offset: at, message: `more than ${l.maxFileNodes} YAML nodes in one file`, rule: 'too-many-nodes' });
      return out;
    }
    if (nodes > l.maxNodes) {
      out.push({ document: doc, offset: at, message: `more than ${l.maxNodes} YAML nodes in one document`, rule: 'too-many-nodes' });
      refused = true;
    }
  }
  return out;
}

/** `line L, column C` of an offset. */
function position(lines: LineCounter, offset: number): string {
  const pos = lines.linePos(offset);
  return `line ${pos.line}, column ${pos.col}`;
}

/** A LineCounter of a whole text (without parsing it). */
function countLines(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * Keys given twice in one map, as the parser's `uniqueKeys` reports them (scalars with equal
 * values), found with one walk over the document.
 */
function duplicateKeys(doc: Document.Parsed): { pos: number; code: string; message: string }[] {
  const out: { pos: number; code: string; message: string }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const k = pair.key.value;
          if (keys.has(k)) out.push({ pos: pair.key.range?.[0] ?? 0, code: 'DUPLICATE_KEY', message: 'Map keys must be unique' });
          else keys.add(k);
        } else if (pair.key) stack.push(pair.key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** Depth of nesting, counted up to `cap` (iterative: no stack overflow on hostile input). */
function depth(value: unknown, cap: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max >= cap) return max;
    if (Array.isArray(v)) for (const x of v) stack.push([x, d + 1]);
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

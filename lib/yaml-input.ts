import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { CozystackValidationError, type Problem } from './errors.js';

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
}

/** `file#n`, how problems name a document. */
export function documentName(d: { file: string; index: number }): string {
  return `${d.file}#${d.index}`;
}

/**
 * Reads every YAML document of the given files and folders (folders recursively, `.yaml` and
 * `.yml` files, in name order; symbolic links followed once). Every problem (unreadable file,
 * invalid UTF-8, YAML syntax, duplicate keys, alias bombs, too deep nesting) is reported at once.
 */
export function readYamlInputs(paths: readonly string[], limits: InputLimits = {}): InputDocument[] {
  const maxBytes = limits.maxFileBytes ?? 16 * 1024 * 1024;
  const maxAliases = limits.maxAliases ?? 100;
  const maxDepth = limits.maxDepth ?? 64;
  const maxFiles = limits.maxFiles ?? 100_000;
  const problems: Problem[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  const walk = (path: string, explicit: boolean): void => {
    let real: string;
    let st;
    try {
      real = realpathSync(path);
      st = statSync(real);
    } catch (e) {
      problems.push({ subject: path, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, rule: 'unreadable' });
      return;
    }
    if (seen.has(real)) return; // a link back into a folder already read
    seen.add(real);
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(real).sort();
      } catch (e) {
        problems.push({ subject: path, path: '', message: `cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, rule: 'unreadable' });
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
        if (isDir || /\.ya?ml$/.test(e)) walk(child, false);
      }
    } else if (st.isFile()) {
      if (files.length >= maxFiles) {
        if (files.length === maxFiles) problems.push({ subject: path, path: '', message: `more than ${maxFiles} input files`, rule: 'too-many-files' });
        return;
      }
      files.push(path);
      if (!explicit && st.size > maxBytes) return;
    } else {
      problems.push({ subject: path, path: '', message: 'not a file or folder', rule: 'unreadable' });
    }
  };
  for (const p of paths) walk(p, true);

  const docs: InputDocument[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const file of files) {
    let bytes: Buffer;
    try {
      if (statSync(file).size > maxBytes) {
        problems.push({ subject: file, path: '', message: `file is larger than ${maxBytes} bytes`, rule: 'file-too-large' });
        continue;
      }
      bytes = readFileSync(file);
    } catch (e) {
      problems.push({ subject: file, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, rule: 'unreadable' });
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      problems.push({ subject: file, path: '', message: 'is not valid UTF-8 text', rule: 'invalid-encoding' });
      continue;
    }
    const lines = new LineCounter();
    const parsed = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2', lineCounter: lines });
    const list = Array.isArray(parsed) ? parsed : [];
    if (!Array.isArray(parsed)) {
      problems.push({ subject: file, path: '', message: 'is not a YAML stream', rule: 'yaml-syntax' });
      continue;
    }
    list.forEach((doc, i) => {
      const where = { subject: `${file}#${i + 1}`, path: '' };
      if (doc.errors.length) {
        for (const err of doc.errors) {
          const pos = lines.linePos(err.pos[0]);
          problems.push({ ...where, path: pos ? `line ${pos.line}, column ${pos.col}` : '', message: firstLine(err.message), rule: err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax' });
        }
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: maxAliases });
      } catch (e) {
        problems.push({ ...where, message: firstLine((e as Error).message), rule: /alias/i.test((e as Error).message) ? 'alias-limit' : 'yaml-syntax' });
        return;
      }
      if (value === null || value === undefined) return;
      if (depth(value, maxDepth + 1) > maxDepth) {
        problems.push({ ...where, message: `nesting deeper than ${maxDepth} levels`, rule: 'too-deep' });
        return;
      }
      docs.push({ file, index: i + 1, value });
    });
  }
  if (problems.length) throw new CozystackValidationError(problems, 'cannot read the input');
  return docs;
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

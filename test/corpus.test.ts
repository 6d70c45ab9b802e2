// The corpus of invalid inputs (test/corpus/<case>/): `validate -f <case>/input` (with the case's
// `args`, flags, when it has them) must exit 1 and
// print exactly the problems of expected.yaml, no more and no fewer. The command line runs
// in-process (lib/cli/run.ts) for speed; test/cli.test.ts covers it as a spawned process.
// The platform-* cases take their expected problems from schemas/platform.schema.json, the schema
// the validator runs; test/platform-schema.test.ts checks that schema against PlatformProps (types,
// enums, required fields, closed objects, documented defaults), so those expectations do not rest
// on the schema alone.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../lib/cli/run.js';
import { corpusCases, type ExpectedProblem, renderCase } from './corpus/generate.js';

const CORPUS = join(import.meta.dirname, 'corpus');
const names = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CORPUS, d.name, 'expected.yaml')))
  .map((d) => d.name)
  .sort();

interface Expected {
  description: string;
  args?: string[];
  errors: ExpectedProblem[];
  knownBug?: { issue: string; errors: ExpectedProblem[] };
}

/** One printed problem line, taken apart. */
interface PrintedProblem {
  file: string | null;
  document: number | null;
  others: string[];
  subject: string;
  path: string;
  message: string;
  rule: string;
  line: string;
}

/**
 * Takes apart `  <file>#<doc>[, <file>#<doc>...] [<Kind> <namespace/name>] [<path>]: <message> [<rule>]`,
 * `  <file>: <message> [<rule>]` (a whole file) and `  <subject>: <message> [<rule>]` (no file).
 */
function parseProblem(line: string, inputDir: string): PrintedProblem | undefined {
  const m = /^ {2}(.*?): (.*) \[([^\]]+)\]$/.exec(line);
  if (!m) return undefined;
  const [, where, message, rule] = m as unknown as [string, string, string, string];
  const rel = (f: string) => (f.startsWith(`${inputDir}/`) ? relative(inputDir, f) : f);
  let file: string | null = null;
  let document: number | null = null;
  let others: string[] = [];
  let rest = where;
  const doc = /^(\S+?)#(\d+)((?:, \S+?#\d+)*)(?: (.*))?$/.exec(where);
  if (doc) {
    file = rel(doc[1]!);
    document = Number(doc[2]);
    others = doc[3] ? doc[3].slice(2).split(', ').map((o) => rel(o)) : [];
    rest = doc[4] ?? '';
  } else if (where.startsWith(`${inputDir}/`)) {
    file = rel(where);
    rest = '';
  }
  // What follows the document: a subject of two words (`Postgres tenant-root/db`, `Platform
  // platform`) and then a path (which has no spaces but for `line L, column C`).
  let subject = '';
  let path = rest;
  if (!/^line \d+, column \d+$/.test(rest)) {
    const words = rest.split(' ');
    if (words.length >= 2) {
      subject = words.slice(0, 2).join(' ');
      path = words.slice(2).join(' ');
    }
  }
  if (!file) {
    subject = where;
    path = '';
  }
  return { file, document, others, subject, path, message, rule, line };
}

function key(p: { file: string | null; document: number | null; path: string; rule: string }): string {
  return `${p.file ?? '-'}#${p.document ?? '-'} ${p.path || '(no path)'} [${p.rule}]`;
}

/** The expected problems no printed one matched, and the printed ones no expected one matched. */
function compare(expected: readonly ExpectedProblem[], printed: readonly PrintedProblem[]): { missing: string[]; extra: string[] } {
  const left = [...printed];
  const missing: string[] = [];
  for (const x of expected) {
    const i = left.findIndex(
      (p) =>
        p.file === x.file &&
        p.document === x.document &&
        p.path === x.path &&
        p.rule === x.rule &&
        (x.message === undefined || new RegExp(x.message).test(p.message)) &&
        (x.others === undefined || JSON.stringify(x.others) === JSON.stringify(p.others)) &&
        (x.subject === undefined || x.subject === p.subject),
    );
    if (i === -1) missing.push(`${x.subject ? `${x.subject} ` : ''}${key(x)}${x.message ? ` message /${x.message}/` : ''}${x.others ? ` also naming ${x.others.join(', ')}` : ''}`);
    else left.splice(i, 1);
  }
  return { missing, extra: left.map((p) => `${key(p)}   <- ${p.line.trim()}`) };
}

function validate(name: string, args: readonly string[] = []): { code: number; stdout: string; stderr: string; problems: PrintedProblem[]; unparsed: string[] } {
  const inputDir = join(CORPUS, name, 'input');
  const r = run(['validate', '-f', inputDir, ...args]);
  const stderr = r.stderr ?? '';
  const lines = stderr.split('\n').filter((l) => l !== '');
  const problems: PrintedProblem[] = [];
  const unparsed: string[] = [];
  for (const l of lines.slice(1)) {
    const p = parseProblem(l, inputDir);
    if (p) problems.push(p);
    else if (!l.startsWith('warning: ')) unparsed.push(l);
  }
  return { code: r.code, stdout: r.stdout, stderr, problems, unparsed };
}

describe('corpus of invalid inputs', () => {
  it('holds at least 200 cases, exactly the ones test/corpus/generate.ts makes', () => {
    expect(names.length).toBeGreaterThanOrEqual(200);
    const generated = corpusCases();
    expect(names).toEqual(generated.map((c) => c.name).sort());
    const drift: string[] = [];
    for (const c of generated) {
      for (const [f, content] of renderCase(c)) {
        const file = join(CORPUS, c.name, f);
        const want = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
        if (!existsSync(file) || !readFileSync(file).equals(want)) drift.push(`${c.name}/${f}`);
      }
      const inputs = readdirSync(join(CORPUS, c.name, 'input'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
      if (inputs !== Object.keys(c.files).length) drift.push(`${c.name}/input (stray files)`);
    }
    expect(drift, 'run `npx tsx test/corpus/generate.ts` after changing the generator').toEqual([]);
  });

  it.each(names)('%s', (name) => {
    const expected = parse(readFileSync(join(CORPUS, name, 'expected.yaml'), 'utf8')) as Expected;
    const r = validate(name, expected.args);
    expect(r.stdout, 'nothing on stdout when the input is invalid').toBe(r.code === 0 ? r.stdout : '');
    expect(r.stderr, 'no crash').not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
    expect(r.unparsed, 'every line after the heading is a problem').toEqual([]);
    if (expected.knownBug) {
      // What the tool prints today, pinned: a change (the fix, or a regression) shows up here.
      const today = compare(expected.knownBug.errors, r.problems);
      expect({ code: r.code, ...today }, `known bug: ${expected.knownBug.issue}`).toEqual({ code: expected.knownBug.errors.length ? 1 : 0, missing: [], extra: [] });
      const right = compare(expected.errors, r.problems);
      expect(right.missing.length + right.extra.length, 'the known bug is fixed: remove knownBug from the case in test/corpus/generate.ts').toBeGreaterThan(0);
      return;
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(compare(expected.errors, r.problems)).toEqual({ missing: [], extra: [] });
  });
});

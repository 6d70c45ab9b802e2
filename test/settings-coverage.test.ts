// Every public setting has a test of its effect, listed in test/settings-coverage.ts: the props of
// the Platform's public types and the options of the command line are read from the sources
// (test/support/settings-inventory.ts; the one constant to update when lib/ files move is
// SOURCES there), the fields of the Platform document from its schema. A setting without an
// entry, an entry without a setting, or a named test missing from its file fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_OPTIONS, DOCUMENT, DOCUMENT_TO_PROPS, GITOPS_PROPS, INPUT_LIMITS, PROPS, type TestRef } from './settings-coverage.js';
import { cliOptions, documentFields, propsOf, SOURCES } from './support/settings-inventory.js';

const TEST_DIR = import.meta.dirname;

/** Why a reference does not point at a test: undefined when it does. */
function brokenRef(ref: TestRef): string | undefined {
  const m = /^([\w.-]+\.test\.ts) > (.+?)(?: # (.+))?$/.exec(ref);
  if (!m) return `not '<file> > <title>[ # <case>]'`;
  const [, file, title, row] = m;
  const path = join(TEST_DIR, file!);
  if (!existsSync(path)) return `no test file ${file}`;
  const source = readFileSync(path, 'utf8');
  // The title as a whole string literal, template or it.each title in the file (quotes included, so
  // that a title is not found inside a longer one).
  const literals = [`'${title!.replace(/'/g, "\\'")}'`, `"${title}"`, `\`${title}\``];
  if (!literals.some((l) => source.includes(l))) return `no test titled ${JSON.stringify(title)} in ${file}`;
  if (row !== undefined && !source.includes(row)) return `no case ${JSON.stringify(row)} in ${file}`;
  return undefined;
}

function checkSection(name: string, actual: readonly string[], list: Record<string, readonly TestRef[]>): void {
  const missing = actual.filter((k) => !(k in list));
  expect.soft(missing, `${name}: settings without an entry in test/settings-coverage.ts (add the tests that assert their effect)`).toEqual([]);
  const stale = Object.keys(list).filter((k) => !actual.includes(k));
  expect.soft(stale, `${name}: entries in test/settings-coverage.ts for settings that do not exist`).toEqual([]);
  const empty = Object.entries(list).filter(([, refs]) => refs.length === 0).map(([k]) => k);
  expect.soft(empty, `${name}: entries without a test`).toEqual([]);
  const broken = Object.entries(list).flatMap(([k, refs]) => refs.map((r) => [k, r, brokenRef(r)] as const).filter(([, , why]) => why).map(([key, r, why]) => `${key}: ${r}: ${why}`));
  expect.soft(broken, `${name}: references that name no test`).toEqual([]);
}

describe('every setting has a test of its effect (test/settings-coverage.ts)', () => {
  it('every prop of PlatformProps (PlatformSettings and the Platform\'s own), walked into nested settings', () => {
    const props = propsOf(SOURCES.platformProps).map((p) => p.path);
    expect(props.length).toBeGreaterThan(50);
    checkSection(SOURCES.platformProps, props, PROPS);
  });

  it('every prop of GitOpsProps', () => {
    checkSection(SOURCES.gitOpsProps, propsOf(SOURCES.gitOpsProps).map((p) => p.path), GITOPS_PROPS);
  });

  it('every documented input limit (InputLimits)', () => {
    checkSection(SOURCES.inputLimits, propsOf(SOURCES.inputLimits).map((p) => p.path), INPUT_LIMITS);
  });

  it('every command-line option', () => {
    const options = cliOptions();
    expect(options).toContain('tenant-rendering');
    checkSection('command-line options', options, CLI_OPTIONS);
  });

  it('every field of the Platform document: spec.* through the props of the same path and the document test, the rest listed', () => {
    const fields = documentFields().map((f) => f.path);
    const props = new Set(propsOf(SOURCES.platformProps).map((p) => `spec.${p.path}`));
    const gitops = new Set(propsOf(SOURCES.gitOpsProps).map((p) => `spec.gitops.${p.path}`));
    const notProps = fields.filter((f) => !props.has(f) && !gitops.has(f));
    checkSection('Platform document fields that are not props', notProps, DOCUMENT);
    expect(brokenRef(DOCUMENT_TO_PROPS)).toBeUndefined();
    // And every prop is a field of the document (the schema has nothing the props lack, and the reverse).
    expect([...props, ...gitops].filter((p) => !fields.includes(p))).toEqual([]);
  });

  it('the checker itself rejects a reference to a test that does not exist', () => {
    expect(brokenRef('settings.test.ts > no such test title anywhere')).toMatch(/^no test titled/);
    expect(brokenRef('nowhere.test.ts > x')).toMatch(/^no test file/);
    expect(brokenRef(`settings.test.ts > \${setting} is _cluster.\${key} # ['noSuchSetting',`)).toMatch(/^no case/);
    expect(brokenRef('cli.test.ts > dot format')).toBeUndefined();
  });
});

// The precompiled validator of the Platform document (lib/input/generated/platform-validator.ts,
// made by scripts/gen-platform-validator.ts; CI checks that it is up to date) gives exactly the
// errors of the schema compiled at run time with the same options: for every Platform document of
// the bad-input corpus and of the examples, the same errors in the same order.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PLATFORM_VALIDATOR } from '../lib/input/generated/platform-validator.js';
import { PLATFORM_AJV_OPTIONS } from '../lib/input/platform-ajv.js';
import { PLATFORM_SCHEMA } from '../lib/input/platform-document.js';

const REPO = join(import.meta.dirname, '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : [];
  });
}

/** Every document of kind Platform in the corpus inputs and the examples. */
function platformDocuments(): { where: string; doc: unknown }[] {
  const files = [...yamlFiles(join(REPO, 'test', 'corpus')).filter((f) => f.includes(`${join('', 'input')}`)), ...yamlFiles(join(REPO, 'examples'))];
  const out: { where: string; doc: unknown }[] = [];
  for (const f of files) {
    let docs;
    try {
      docs = parseAllDocuments(readFileSync(f, 'utf8'));
    } catch {
      continue;
    }
    if (!Array.isArray(docs)) continue;
    docs.forEach((d, i) => {
      if (d.errors.length) return;
      let doc: { kind?: unknown } | null;
      try {
        doc = d.toJS({ maxAliasCount: 100 }) as { kind?: unknown } | null;
      } catch {
        return; // hostile input (alias expansion): the corpus tests it through the loader
      }
      if (doc && typeof doc === 'object' && doc.kind === 'Platform') out.push({ where: `${f.slice(REPO.length + 1)}#${i + 1}`, doc });
    });
  }
  return out;
}

const shape = (errors: readonly ErrorObject[] | null | undefined) => (errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, schemaPath: e.schemaPath, params: e.params, message: e.message, data: e.data, parentSchema: e.parentSchema }));

describe('the precompiled Platform document validator', () => {
  const runtime = new Ajv(PLATFORM_AJV_OPTIONS).compile(PLATFORM_SCHEMA);
  const docs = platformDocuments();

  it('has Platform documents to compare, valid and invalid ones', () => {
    expect(docs.length).toBeGreaterThan(100);
    expect(docs.some(({ doc }) => runtime(doc))).toBe(true);
    expect(docs.some(({ doc }) => !runtime(doc))).toBe(true);
  });

  it('gives the errors of the schema compiled at run time, for every document', () => {
    const differ = docs.filter(({ doc }) => {
      const a = runtime(doc);
      const ea = shape(runtime.errors);
      const b = PLATFORM_VALIDATOR(doc);
      const eb = shape(PLATFORM_VALIDATOR.errors);
      return a !== b || JSON.stringify(ea) !== JSON.stringify(eb);
    });
    expect(differ.map((d) => d.where)).toEqual([]);
  });
});

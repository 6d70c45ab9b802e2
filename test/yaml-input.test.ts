// The fast path of the YAML reader (js-yaml, plain files) must read the same values as the
// careful path (the yaml package, used for files with anchors, tags or errors).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readYamlInputs } from '../lib/index.js';
import { REPO } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Values read from `text` by the fast path, and by the careful path (a comment with '&' forces it). */
function bothPaths(text: string): [unknown, unknown] {
  writeFileSync(join(dir, 'fast.yaml'), text);
  writeFileSync(join(dir, 'careful.yaml'), `${text}${text.endsWith('\n') ? '' : '\n'}# & forces the careful path\n`);
  const read = (f: string) => {
    try {
      return readYamlInputs([join(dir, f)]).map((d) => [d.index, d.value]);
    } catch (e) {
      return `error: ${(e as Error).message.replace(/(fast|careful)\.yaml/g, 'x.yaml').split('\n').slice(0, 2).join(' ')}`;
    }
  };
  return [read('fast.yaml'), read('careful.yaml')];
}

describe('fast and careful YAML paths agree', () => {
  it('on the example platform', () => {
    for (const f of ['platform.yaml', 'tenants.yaml']) {
      const [fast, careful] = bothPaths(readFileSync(join(REPO, 'examples', 'platform', f), 'utf8'));
      expect(fast).toEqual(careful);
    }
  });

  it('on scalars whose type depends on the schema', () => {
    const text = [
      'a: yes', 'b: on', 'c: 0o12', 'd: 012', 'e: 1e3', 'f: ~', 'g: 2001-01-01', 'h: .inf', 'i: -.5', 'j: 0x1F', 'k: "007"', "l: '1.0'",
      'm: |\n  multi\n  line', 'n: >\n  folded\n  text', 'o: []', 'p: {}', 'q: null', 'r: true', 's: 1_000', 't: 12:30',
    ].join('\n');
    const [fast, careful] = bothPaths(`${text}\n---\nsecond: doc\n---\n`);
    expect(fast).toEqual(careful);
  });

  it('on generated documents', () => {
    const key = fc.stringMatching(/^[a-z][a-zA-Z0-9-]{0,8}$/);
    const plain = fc.stringMatching(/^[-+.0-9a-zA-Z_:~ ]{1,8}$/);
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), plain, fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
    })).v;
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { maxKeys: 4 }), { minLength: 1, maxLength: 3 }), (docs) => {
        // Flow style (JSON) and block style with plain scalars.
        const text = docs.map((d, i) => (i % 2 ? JSON.stringify(d) : Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'string' && /^[-+.0-9a-zA-Z_:~ ]+$/.test(v) && !v.includes(': ') && v.trim() === v ? v : JSON.stringify(v)}`).join('\n'))).join('\n---\n');

        const [fast, careful] = bothPaths(text);
        expect(fast).toEqual(careful);
      }),
      { numRuns: 200 },
    );
  });
});

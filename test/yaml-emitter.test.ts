// The purpose-built YAML writer must give the same bytes as the general one (js-yaml), and every
// value must read back equal with a YAML 1.1 reader (what Kubernetes and Flux use).
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml, toYamlClean, toYamlGeneral } from '../lib/output/yaml-emitter.js';
import { SHARED_VALUES, shareFrozen } from '../lib/core/library-objects.js';

const trickyStrings = ['.', '1.', 'E0', 'e-5', '.e1', 'yes', 'No', 'on', 'y', 'true', 'False', 'null', '~', '', ' ', '5m', '10Gi', '0x1F', '012', '1e3', '1_000', '12:30', '2001-01-01', '=', '<<',
  'a: b', '- x', '#c', 'x #y', '*a', '&a', '!t', '@a', '`a', '"q"', "'q'", 'multi\nline', 'trail ', ' lead', 'a\tb', 'é', '\u2028', 'http://x.y:80/z', 'cozystack.io/system', '_cluster', '-1', '.5', '.inf'];
const key = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._/-]{0,10}$/), fc.constantFrom(...trickyStrings), fc.string({ maxLength: 6 }));
const multiline = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', '  x', 'a: b', '#c', '- y', '\t')), { minLength: 2, maxLength: 4 }).map((l) => l.join('\n'));
const multilineValue = fc.oneof(multiline, fc.constantFrom('_cluster:\n  a: b\n', 'x\n\n', '\nlead', 'trail\n\n\n', ' a\nb', 'a\r\nb', 'a\u2028b\nc'));
const scalar = fc.oneof(
  fc.constantFrom(...trickyStrings),
  fc.string({ maxLength: 10 }),
  fc.stringMatching(/^[A-Za-z0-9._/:-]{1,10}$/),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
// Multi-line strings only as map values (where the library writes them, e.g. Secret values):
// js-yaml's block scalars for whitespace-only lines inside nested sequences do not read back.
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, fc.oneof(tie('v'), multilineValue), { maxKeys: 4 }),
  ),
})).v;

/** True when a multi-line string in `v` has a line of only spaces. */
function hasBlankSpaceLine(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\n') && v.split('\n').some((l) => /^ +$/.test(l));
  if (Array.isArray(v)) return v.some(hasBlankSpaceLine);
  if (typeof v === 'object' && v !== null) return Object.entries(v).some(([k, x]) => hasBlankSpaceLine(k) || hasBlankSpaceLine(x));
  return false;
}

describe('YAML writer', () => {
  it('gives the bytes of the general writer for any object', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(value, multilineValue), { maxKeys: 6 }), (o) => {
        expect(toYaml(o)).toBe(toYamlGeneral(o));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back equal with a YAML 1.1 reader', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(value, multilineValue), { maxKeys: 6 }), (o) => {
        // Known disagreement, kept identical to js-yaml: a line of only spaces inside a block
        // literal is read back empty by the yaml package (js-yaml keeps the spaces).
        fc.pre(!hasBlankSpaceLine(o));
        expect(parse(toYaml(o), { version: '1.1' })).toEqual(structuredClone(o));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('literal blocks and shared values', () => {
  // Multi-line strings of printable ASCII are written without calling js-yaml: every chomping
  // (`|`, `|-`, `|+`) and the indentation indicator (`|2` for text starting with spaces) as it writes them.
  const cases = ['a\nb', 'a\nb\n', 'a\nb\n\n', 'a\n\n\nb', '\n\nx', ' x\ny', '\n  x\n', '\n', '\n\n', 'x:\n  - y\n', '#!/bin/sh\necho "$A" \'b\'\n', 'trailing \nspace ', ' \n \n'];
  it.each(cases)('%j at three depths equals the general writer', (s) => {
    const o = { a: s, b: { c: s, d: { e: s } } };
    expect(toYaml(o)).toBe(toYamlGeneral(o));
  });

  it('a shared frozen value is written once per indentation, with the same bytes as a fresh copy', () => {
    const shared = shareFrozen({ strategy: { name: 'RetryOnFailure', retryInterval: '30s' }, list: [{ kind: 'Secret', name: 'x' }], timeout: '10m' });
    expect(Object.isFrozen(shared.strategy) && Object.isFrozen(shared.list[0])).toBe(true);
    expect(SHARED_VALUES.has(shared) && SHARED_VALUES.has(shared.list)).toBe(true);
    const fresh = structuredClone(shared);
    // The same object at two depths, twice each, and in the two writers (plain and clean).
    const a = { spec: { install: shared, upgrade: { deep: shared } }, other: shared };
    const b = { spec: { install: fresh, upgrade: { deep: fresh } }, other: fresh };
    expect(toYaml(a)).toBe(toYaml(b));
    expect(toYaml(a)).toBe(toYamlGeneral(b));
    expect(toYamlClean(a)).toBe(toYamlClean(b));
    expect(toYamlClean({ x: shared })).toBe(toYamlClean({ x: fresh }));
    expect(() => {
      (shared.strategy as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });
});

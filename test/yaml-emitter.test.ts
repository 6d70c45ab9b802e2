// The purpose-built YAML writer must give the same bytes as the general one (js-yaml), and every
// value must read back equal with a YAML 1.1 reader (what Kubernetes and Flux use).
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml, toYamlGeneral } from '../lib/yaml-emitter.js';

const trickyStrings = ['.', '1.', 'E0', 'e-5', '.e1', 'yes', 'No', 'on', 'y', 'true', 'False', 'null', '~', '', ' ', '5m', '10Gi', '0x1F', '012', '1e3', '1_000', '12:30', '2001-01-01', '=', '<<',
  'a: b', '- x', '#c', 'x #y', '*a', '&a', '!t', '@a', '`a', '"q"', "'q'", 'multi\nline', 'trail ', ' lead', 'a\tb', 'é', '\u2028', 'http://x.y:80/z', 'cozystack.io/system', '_cluster', '-1', '.5', '.inf'];
const key = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._/-]{0,10}$/), fc.constantFrom(...trickyStrings), fc.string({ maxLength: 6 }));
const scalar = fc.oneof(
  fc.constantFrom(...trickyStrings),
  fc.string({ maxLength: 10 }),
  fc.stringMatching(/^[A-Za-z0-9._/:-]{1,10}$/),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', maxDepth: 5 }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;

describe('YAML writer', () => {
  it('gives the bytes of the general writer for any object', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (o) => {
        expect(toYaml(o)).toBe(toYamlGeneral(o));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back equal with a YAML 1.1 reader', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (o) => {
        expect(parse(toYaml(o), { version: '1.1' })).toEqual(structuredClone(o));
      }),
      { numRuns: 1000 },
    );
  });
});

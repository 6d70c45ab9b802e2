// How Helm's template functions see and print values (lib/releases/v1/go-values.ts), each against
// the behaviour of the Go code it stands for: text/template truthiness and field walks, sprig's
// default/quote/join/has/b64enc, fmt's %v of a float64 (strconv 'g' at the shortest precision,
// exponent below 1e-4 and from 1e6 on), strconv.Quote, yaml.v2's key order and scalar styles (what
// sigs.k8s.io/yaml and so `toYaml` print), and the way `helm template -f` merges values files.
import { describe, expect, it } from 'vitest';
import type { JsonValue, Values } from '../lib/core/values.js';
import { b64enc, ChartTemplateError, dflt, field, goFloat, goQuote, has, indent, join, mergeHelmValues, quote, safe, strval, toYaml, truthy, yamlKeyLess } from '../lib/releases/v1/go-values.js';

const thrown = (f: () => unknown): ChartTemplateError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ChartTemplateError);
    return e as ChartTemplateError;
  }
  throw new Error('expected a ChartTemplateError');
};

describe('truthiness and default', () => {
  it.each([[false], [0], [null], [undefined], [''], [[]], [{}]] as const)('%j is false', (v) => {
    expect(truthy(v as JsonValue | undefined)).toBe(false);
  });
  it.each([[true], [1], [-1], [0.5], ['x'], ['0'], ['false'], [[0]], [{ a: null }]] as const)('%j is true', (v) => {
    expect(truthy(v as JsonValue)).toBe(true);
  });
  it('default gives the value unless it is empty', () => {
    expect(dflt('d', 'x')).toBe('x');
    expect(dflt('d', '')).toBe('d');
    expect(dflt('d', 0)).toBe('d');
    expect(dflt('d', undefined)).toBe('d');
    expect(dflt('d', [])).toBe('d');
    expect(dflt('d', false)).toBe('d');
    expect(dflt('d', 7)).toBe(7);
  });
});

describe('field walks', () => {
  it('a missing key is nil; walking on from nil or from a scalar is the error Go reports, with the template', () => {
    expect(field('t.yaml', { a: { b: 1 } }, 'a', 'b')).toBe(1);
    expect(field('t.yaml', { a: {} }, 'a', 'b')).toBeUndefined();
    expect(field('t.yaml', { a: 1 })).toEqual({ a: 1 });
    const nil = thrown(() => field('templates/x.yaml', {}, 'a', 'b'));
    expect([nil.template, nil.message, nil.name]).toEqual(['templates/x.yaml', 'nil pointer evaluating interface {}.b', 'ChartTemplateError']);
    expect(thrown(() => field('t', { a: null }, 'a', 'c')).message).toBe('nil pointer evaluating interface {}.c');
    expect(thrown(() => field('t', { a: 'x' }, 'a', 'b')).message).toBe("can't evaluate field b in type string");
    expect(thrown(() => field('t', { a: true }, 'a', 'b')).message).toBe("can't evaluate field b in type bool");
    expect(thrown(() => field('t', { a: 2 }, 'a', 'b')).message).toBe("can't evaluate field b in type float64");
    expect(thrown(() => field('t', { a: [1] }, 'a', 'b')).message).toBe("can't evaluate field b in type []interface {}");
  });

  it('a nil-safe walk (dig) is nil as soon as a step is missing or not a map', () => {
    expect(safe({ a: { b: 1 } }, 'a', 'b')).toBe(1);
    expect(safe({ a: 'x' }, 'a', 'b')).toBeUndefined();
    expect(safe(undefined, 'a')).toBeUndefined();
    expect(safe({ a: 1 })).toEqual({ a: 1 });
  });
});

describe('printing', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1.5, '1.5'],
    [100, '100'],
    [123456, '123456'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5e-7, '-2.5e-07'],
    [1.5e300, '1.5e+300'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('%%v of the float64 %d is %s', (n, s) => {
    expect(goFloat(n)).toBe(s);
  });

  it('strval is %v: nil as <nil>, lists space-separated, maps with sorted keys', () => {
    expect(strval('a')).toBe('a');
    expect(strval(3)).toBe('3');
    expect(strval(true)).toBe('true');
    expect(strval(false)).toBe('false');
    expect(strval(null)).toBe('<nil>');
    expect(strval([1, 'a', null])).toBe('[1 a <nil>]');
    expect(strval({ b: 1, a: 'x', B: [2] })).toBe('map[B:[2] a:x b:1]');
  });

  it('strconv.Quote escapes quotes, backslashes and control characters, and keeps printable Unicode', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\x07\b\f\n\r\t\v')).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
    expect(goQuote('\x01\x1f\x7f')).toBe('"\\x01\\x1f\\x7f"');
    expect(goQuote('é ü')).toBe('"é ü"');
    expect(goQuote('')).toBe('""');
  });

  it('quote prints nothing for nil, else the quoted %v; join skips nils and takes a scalar as a list of one; has needs a list', () => {
    expect(quote(undefined)).toBe('');
    expect(quote(null)).toBe('');
    expect(quote('x')).toBe('"x"');
    expect(quote(3)).toBe('"3"');
    expect(join(undefined, ',')).toBe('');
    expect(join(null, ',')).toBe('');
    expect(join(['a', null, 'b', 2], ',')).toBe('a,b,2');
    expect(join('x', ',')).toBe('x');
    expect(has('t', undefined, 'a')).toBe(false);
    expect(has('t', null, 'a')).toBe(false);
    expect(has('t', ['a', 'b'], 'b')).toBe(true);
    expect(has('t', ['a'], 'c')).toBe(false);
    expect(thrown(() => has('t', 'a', 'a')).message).toBe('error calling has: Cannot find has on type string');
    expect(thrown(() => has('t', { a: 1 }, 'a')).message).toBe('error calling has: Cannot find has on type map[string]interface {}');
  });

  it('b64enc encodes the %v text', () => {
    expect(b64enc('abc')).toBe('YWJj');
    expect(b64enc(3)).toBe('Mw==');
    expect(b64enc('é')).toBe('w6k=');
  });

  it('indent pads every line', () => {
    expect(indent(2, 'a\nb')).toBe('  a\n  b');
    expect(indent(0, 'a')).toBe('a');
  });
});

describe('toYaml as yaml.v2 prints it', () => {
  it('orders keys as yaml.v2: other characters before letters, digit runs by their number', () => {
    const sorted = ['b', 'a10', 'a2', 'A', '1', 'a1b', 'a01'].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
    expect(sorted.slice(0, 2)).toEqual(['1', 'A']);
    expect(sorted.indexOf('a2')).toBeLessThan(sorted.indexOf('a10'));
    expect(sorted.at(-1)).toBe('b');
    expect(yamlKeyLess('a', 'ab')).toBe(true);
    expect(yamlKeyLess('ab', 'a')).toBe(false);
    expect(yamlKeyLess('a', 'a')).toBe(false);
    expect(yamlKeyLess('x9', 'x10')).toBe(true);
    expect(yamlKeyLess('x10', 'x9')).toBe(false);
  });

  it('maps and lists in block style, lists not indented under their key, empty ones inline', () => {
    expect(toYaml({ b: 1, a: 'x' })).toBe('a: x\nb: 1');
    expect(toYaml({ l: [1, 2], m: { k: true }, e: [], o: {} })).toBe('e: []\nl:\n- 1\n- 2\nm:\n  k: true\no: {}');
    expect(toYaml([{ a: 1, b: [2] }, [], 'x'])).toBe('- a: 1\n  b:\n  - 2\n- []\n- x');
    expect(toYaml({})).toBe('{}');
    expect(toYaml([])).toBe('[]');
    expect(toYaml(null)).toBe('null');
    expect(toYaml(false)).toBe('false');
  });

  it('numbers: integers as they are, other floats as %v', () => {
    expect(toYaml({ i: 3, f: 1.5, big: 1e21, neg: -4 })).toBe('big: 1e+21\nf: 1.5\ni: 3\nneg: -4');
  });

  it.each([
    ['plain', 'plain'],
    ['with space', 'with space'],
    ['yes', '"yes"'],
    ['No', '"No"'],
    ['on', '"on"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['', '""'],
    ['12', '"12"'],
    ['1_000', '"1_000"'],
    ['0x1F', '"0x1F"'],
    ['0o17', '"0o17"'], // Go's ParseInt reads the 0o prefix (test/recorded/helm-functions.json)
    ['017', '"017"'],
    ['1.5', '"1.5"'],
    ['1e3', '"1e3"'],
    ['.inf', '".inf"'],
    ['.NaN', '".NaN"'],
    ['12:30', '"12:30"'],
    ['2026-12-01', '"2026-12-01"'],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    ['trailing:', "'trailing:'"],
    [' lead', "' lead'"],
    ['- item', "'- item'"],
    ['*ref', "'*ref'"],
    ['it\'s', "it's"],
    ['{x}', "'{x}'"],
    ['---', "'---'"],
    ['tab\there', '"tab\\there"'],
    ['bell\x07', '"bell\\a"'],
  ])('the string %j is written %s', (s, out) => {
    expect(toYaml({ k: s })).toBe(`k: ${out}`);
  });

  it('strings with line breaks are literal blocks: keep, clip or strip the final break', () => {
    expect(toYaml({ k: 'a\nb\n' })).toBe('k: |\n  a\n  b');
    expect(toYaml({ k: 'a\nb' })).toBe('k: |-\n  a\n  b');
    expect(toYaml({ k: 'a\n\n' })).toBe('k: |+\n  a\n');
    expect(toYaml({ k: 'a\n\nb' })).toBe('k: |-\n  a\n\n  b');
    expect(toYaml(['a\nb'])).toBe('- |-\n  a\n  b');
    expect(toYaml('a\nb')).toBe('|-\n  a\n  b');
  });

  it('keys are scalars too', () => {
    expect(toYaml({ yes: 1, 'a b': 2 })).toBe('a b: 2\n"yes": 1');
  });
});

describe('mergeHelmValues: helm template -f a.yaml -f b.yaml', () => {
  const chart: Values = { a: 1, m: { x: 1, y: 2 }, s: 'scalar', t: { k: 1 }, gone: { z: 1 } };

  it('files merge key by key, a later file wins, a null in a later file replaces', () => {
    expect(mergeHelmValues({}, { m: { x: 1, y: 2 }, a: 1 }, { m: { y: 3 }, a: null })).toEqual({ m: { x: 1, y: 3 }, a: null });
  });

  it('then the chart\'s values fill in: a null deletes the chart\'s key, maps merge, a map over a scalar or a scalar over a map is the user\'s', () => {
    expect(mergeHelmValues(chart, { m: { y: 5 }, gone: null, s: { now: 'map' }, t: 'now-scalar' })).toEqual({ a: 1, m: { x: 1, y: 5 }, s: { now: 'map' }, t: 'now-scalar' });
    expect(mergeHelmValues(chart)).toEqual(chart);
    expect(mergeHelmValues(chart, { m: { x: null } })).toEqual({ ...chart, m: { y: 2 } });
  });

  it('modifies neither the chart values nor the files', () => {
    const file: Values = { m: { y: 5 } };
    const before = structuredClone(chart);
    mergeHelmValues(chart, file, { m: { z: 1 } });
    expect(chart).toEqual(before);
    expect(file).toEqual({ m: { y: 5 } });
  });
});

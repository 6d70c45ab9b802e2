// The messages, paths and rules of validateAppValues for every JSON-schema construct the catalog's
// schemas use (and a few they may), on a schema written here, so that each expectation is the
// documented format of lib/model/app-values.ts (ValuesProblem: "what was expected and what was
// given"; describe(): `string "abc"`, `integer 3`, `null`, `list [1,2]`, `map {"a":1}`, shortened
// to 60 characters; a credential path shows the type only), not whatever the code prints today.
import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../lib/model/app-definition.js';
import type { JsonValue, Values } from '../lib/core/values.js';
import { validateAppValues } from '../lib/model/app-values.js';

const QUANTITY = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

function definition(schema: JsonValue, defaults: Values = {}): AppDefinition {
  return {
    kind: 'Probe',
    plural: 'probes',
    chart: 'probe',
    chartPath: 'apps/probe',
    prefix: 'probe-',
    labels: {},
    category: '',
    module: false,
    requiredServices: [],
    schema: schema as Values,
    defaults,
  };
}

const SCHEMA: JsonValue = {
  type: 'object',
  required: ['size'],
  properties: {
    size: { type: 'string', pattern: '^[0-9]+Gi$' },
    cpu: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: QUANTITY, 'x-kubernetes-int-or-string': true },
    preset: { type: 'string', enum: ['small', 'medium', 'large'] },
    level: { enum: [1, 2, 'max'] },
    switch: { enum: ['on', 'off', null] },
    mode: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    form: { anyOf: [{ type: 'string' }, { enum: [1] }] },
    shape: { anyOf: [{ type: 'object', properties: { n: { type: 'integer' } } }, { type: 'string' }] },
    a: { anyOf: [{ type: 'integer' }, { type: 'boolean' }] },
    ab: { type: 'integer' },
    twice: { allOf: [{ type: 'integer' }, { type: 'integer' }] },
    tags: { type: 'array', items: { type: 'number' } },
    items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    labels: { type: 'object', additionalProperties: { type: 'integer' } },
    open: { type: 'object', additionalProperties: true, properties: { x: { type: 'string' } } },
    preserved: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { x: { type: 'string' } } },
    closed: { type: 'object', additionalProperties: false, properties: { x: { type: 'string' } } },
    note: { type: 'string' },
    map: { type: 'object' },
    list: { type: 'array' },
    count: { type: 'integer' },
    when: { type: 'string' },
    contact: { type: 'string', format: 'email' },
    password: { type: 'string' },
    token: { type: 'array', items: { type: 'string' } },
    nested: { type: 'object', required: ['inner'], properties: { inner: { type: 'string' } } },
    entries: { type: 'object', additionalProperties: { type: 'object', required: ['v'], properties: { v: { type: 'string' } } } },
  },
};
const probe = definition(SCHEMA, { size: '1Gi', nested: { inner: 'x' } });
const errorsOf = (user: Values) => validateAppValues(probe, user).errors;
const warningsOf = (user: Values) => validateAppValues(probe, user).warnings;

describe('validateAppValues: one message per schema construct', () => {
  it('type: the expected type with its article (an integer, a map, a list) and the given value with its kind', () => {
    expect(errorsOf({ count: 'three' })).toEqual([{ path: '.count', rule: 'type', message: 'expected an integer, got string "three"' }]);
    expect(errorsOf({ count: 1.5 })).toEqual([{ path: '.count', rule: 'type', message: 'expected an integer, got number 1.5' }]);
    expect(errorsOf({ map: [1, 2] })).toEqual([{ path: '.map', rule: 'type', message: 'expected a map, got list [1,2]' }]);
    expect(errorsOf({ list: { a: 1 } })).toEqual([{ path: '.list', rule: 'type', message: 'expected a list, got map {"a":1}' }]);
    expect(errorsOf({ note: true })).toEqual([{ path: '.note', rule: 'type', message: 'expected a string, got boolean true' }]);
    expect(errorsOf({ note: 7 })).toEqual([{ path: '.note', rule: 'type', message: 'expected a string, got integer 7' }]);
    // A null inside a list is kept (only map keys are removed by a null).
    expect(errorsOf({ tags: [null] })).toEqual([{ path: '.tags[0]', rule: 'type', message: 'expected a number, got null' }]);
  });

  it('a given value longer than 60 characters is shortened to 57 and "..."', () => {
    const sixty = 'x'.repeat(58); // JSON text: 60 characters with the quotes
    expect(errorsOf({ count: sixty })[0]!.message).toBe(`expected an integer, got string "${sixty}"`);
    const long = 'y'.repeat(59);
    expect(errorsOf({ count: long })[0]!.message).toBe(`expected an integer, got string "${'y'.repeat(56)}...`);
  });

  it('enum: the allowed values as JSON, comma-separated, and a did-you-mean among the string ones', () => {
    expect(errorsOf({ preset: 'mediun' })).toEqual([{ path: '.preset', rule: 'enum', message: `expected one of "small", "medium", "large"; got string "mediun" (did you mean 'medium'?)` }]);
    expect(errorsOf({ level: 'maxx' })).toEqual([{ path: '.level', rule: 'enum', message: `expected one of 1, 2, "max"; got string "maxx" (did you mean 'max'?)` }]);
    // A null among the allowed values is listed, and not compared with the given text (on and off are both one edit away; the first is named).
    expect(errorsOf({ switch: 'of' })).toEqual([{ path: '.switch', rule: 'enum', message: `expected one of "on", "off", null; got string "of" (did you mean 'on'?)` }]);
    expect(errorsOf({ level: 5 })).toEqual([{ path: '.level', rule: 'enum', message: 'expected one of 1, 2, "max"; got integer 5' }]);
  });

  it('pattern: the pattern, or "a Kubernetes quantity" for an int-or-string', () => {
    expect(errorsOf({ size: '1 GB' })).toEqual([{ path: '.size', rule: 'pattern', message: 'expected a string matching /^[0-9]+Gi$/, got string "1 GB"' }]);
    expect(errorsOf({ cpu: '2 cores' })).toEqual([{ path: '.cpu', rule: 'pattern', message: 'expected a Kubernetes quantity (e.g. 10Gi, 500m, 2), got string "2 cores"' }]);
  });

  it('anyOf and oneOf of types read as one type error; the branches\' own errors and the other checks of that value are not repeated', () => {
    expect(errorsOf({ cpu: false })).toEqual([{ path: '.cpu', rule: 'type', message: 'expected an integer or a string, got boolean false' }]);
    // A oneOf failure is reported (it was once dropped as a second error of a value of the wrong type).
    expect(errorsOf({ mode: true })).toEqual([{ path: '.mode', rule: 'type', message: 'expected a string or an integer, got boolean true' }]);
    expect(errorsOf({ mode: 'x', cpu: '1' })).toEqual([]);
    // A branch's error deeper than the value (the map branch's `.n`) belongs to that branch too.
    expect(errorsOf({ shape: { n: 'x' } })).toEqual([{ path: '.shape', rule: 'type', message: 'expected a map or a string, got map {"n":"x"}' }]);
  });

  it('an anyOf with a branch that is not a type names the number of forms', () => {
    expect(errorsOf({ form: 2 })).toEqual([{ path: '.form', rule: 'anyOf', message: 'expected a value matching one of 2 allowed forms, got integer 2' }]);
  });

  it('an anyOf failure hides only its own value\'s errors: a key that shares its prefix keeps its own', () => {
    expect(errorsOf({ a: 'x', ab: 'y' })).toEqual([
      { path: '.a', rule: 'type', message: 'expected an integer or a boolean, got string "x"' },
      { path: '.ab', rule: 'type', message: 'expected an integer, got string "y"' },
    ]);
  });

  it('the same problem found by two parts of a schema is reported once', () => {
    expect(errorsOf({ twice: 'x' })).toEqual([{ path: '.twice', rule: 'type', message: 'expected an integer, got string "x"' }]);
  });

  it('required: the key, and why it is missing (never given, or removed by a null over the default)', () => {
    const bare = definition(SCHEMA);
    expect(validateAppValues(bare, {}).errors).toEqual([{ path: '.size', rule: 'required', message: "missing required key 'size' (not given, and the chart has no default for it)" }]);
    expect(errorsOf({ size: null })).toEqual([{ path: '.size', rule: 'required', message: "missing required key 'size' (a null removed the chart default)" }]);
    expect(errorsOf({ nested: { inner: null } })).toEqual([{ path: '.nested.inner', rule: 'required', message: "missing required key 'inner' (a null removed the chart default)" }]);
    // An undefined is no value (it disappears like a key never given), not a null.
    expect(validateAppValues(definition(SCHEMA), { size: undefined } as unknown as Values).errors).toEqual([{ path: '.size', rule: 'required', message: "missing required key 'size' (not given, and the chart has no default for it)" }]);
    // The null is found below keys that need escaping in a JSON pointer (/ and ~).
    expect(errorsOf({ entries: { 'a/b': { v: null }, 'c~d': { v: null } } })).toEqual([
      { path: '.entries["a/b"].v', rule: 'required', message: "missing required key 'v' (a null removed the chart default)" },
      { path: '.entries["c~d"].v', rule: 'required', message: "missing required key 'v' (a null removed the chart default)" },
    ]);
    expect(validateAppValues(bare, { nested: {} }).errors).toContainEqual({ path: '.nested.inner', rule: 'required', message: "missing required key 'inner' (not given, and the chart has no default for it)" });
  });

  it('additionalProperties: false makes an unknown key an error (not also a warning), at the root and below', () => {
    expect(validateAppValues(probe, { closed: { y: 1 } })).toEqual({ errors: [{ path: '.closed.y', rule: 'unknown-key', message: "key 'y' is not allowed here" }], warnings: [] });
    const strict = definition({ type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } });
    expect(validateAppValues(strict, { b: 1 })).toEqual({ errors: [{ path: '.b', rule: 'unknown-key', message: "key 'b' is not allowed here" }], warnings: [] });
  });

  it('only anyOf and oneOf hide the errors below them: propertyNames keeps the error of the key it found', () => {
    const keys = definition({ type: 'object', properties: { m: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } } } });
    expect(validateAppValues(keys, { m: { Ab: 1, ok: 2 } }).errors).toEqual([
      { path: '.m', rule: 'pattern', message: 'expected a string matching /^[a-z]+$/, got string "Ab"' },
      { path: '.m', rule: 'propertyNames', message: 'property name must be valid; got map {"Ab":1,"ok":2}' },
    ]);
  });

  it('any other keyword: ajv\'s message and the given value', () => {
    expect(errorsOf({ contact: 'nobody' })).toEqual([{ path: '.contact', rule: 'format', message: 'must match format "email"; got string "nobody"' }]);
    const small = definition({ type: 'object', maxProperties: 1 });
    expect(validateAppValues(small, { a: 1, b: 2 }).errors).toEqual([{ path: '.', rule: 'maxProperties', message: 'must NOT have more than 1 properties; got map {"a":1,"b":2}' }]);
  });
});

describe('validateAppValues: paths', () => {
  it('keys that are not identifiers are quoted, with / and ~ as given (JSON-pointer escapes undone)', () => {
    expect(errorsOf({ labels: { 'example.com/tier': 'x', 'a~b': 'y', plain: 'z' } })).toEqual([
      { path: '.labels["example.com/tier"]', rule: 'type', message: 'expected an integer, got string "x"' },
      { path: '.labels["a~b"]', rule: 'type', message: 'expected an integer, got string "y"' },
      { path: '.labels.plain', rule: 'type', message: 'expected an integer, got string "z"' },
    ]);
  });

  it('list items are indexed', () => {
    expect(errorsOf({ items: [{ name: 'ok' }, { name: 3 }] })).toEqual([{ path: '.items[1].name', rule: 'type', message: 'expected a string, got integer 3' }]);
  });
});

describe('validateAppValues: a value at a credential path shows its kind, never the value', () => {
  const tail = '(masked) (a credential path: the value is not shown)';
  it.each([
    [{ password: 42 }, '.password', `expected a string, got integer ${tail}`],
    [{ password: 1.5 }, '.password', `expected a string, got number ${tail}`],
    [{ password: true }, '.password', `expected a string, got boolean ${tail}`],
    [{ password: ['s3cr3t'] }, '.password', `expected a string, got list ${tail}`],
    [{ password: { v: 's3cr3t' } }, '.password', `expected a string, got map ${tail}`],
    [{ token: [null] }, '.token[0]', 'expected a string, got null'],
    [{ token: [7] }, '.token[0]', `expected a string, got integer ${tail}`],
    [{ token: [undefined] }, '.token[0]', 'expected a string, got nothing'],
  ] as const)('%j', (user, path, message) => {
    expect(errorsOf(user as Values)).toEqual([{ path, rule: 'type', message }]);
  });

  it('credentials inside a map that is echoed are masked', () => {
    expect(errorsOf({ note: { password: 's3cr3t', user: 'bob' } })).toEqual([
      { path: '.note', rule: 'type', message: 'expected a string, got map {"password":"(masked)","user":"bob"}' },
    ]);
  });
});

describe('validateAppValues: unknown keys are warnings', () => {
  it('in list items, with the item index', () => {
    expect(warningsOf({ items: [{ name: 'a' }, { nmae: 'b' }] })).toEqual([
      { path: '.items[1].nmae', rule: 'unknown-key', message: "unknown key 'nmae': the chart does not use it (did you mean 'name'?)" },
    ]);
  });

  it('not under a map the schema leaves open (additionalProperties: true or x-kubernetes-preserve-unknown-fields), nor under a map of entries (their values are checked)', () => {
    expect(warningsOf({ open: { y: 1 }, preserved: { y: 1 }, labels: { any: 1 } })).toEqual([]);
    expect(errorsOf({ open: { y: 1 }, preserved: { y: 1 }, labels: { any: 1 } })).toEqual([]);
  });

  it('not for a key given as null or undefined (it is removed, or absent)', () => {
    expect(warningsOf({ nosuch: null } as Values)).toEqual([]);
    expect(warningsOf({ nosuch: undefined } as unknown as Values)).toEqual([]);
    expect(warningsOf({ nosuch: 1 })).toEqual([{ path: '.nosuch', rule: 'unknown-key', message: "unknown key 'nosuch': the chart does not use it" }]);
  });
});

describe('validateAppValues: values remembered by their JSON text are only those JSON writes exactly', () => {
  // The memo is keyed by JSON text; values JSON would write alike but that validate differently must each get their own answer.
  it('a NaN in a list is not the null JSON writes for it', () => {
    expect(errorsOf({ tags: [null] })[0]!.message).toBe('expected a number, got null');
    // ajv's `number` takes NaN (an `integer` does not).
    expect(errorsOf({ tags: [Number.NaN] } as unknown as Values)).toEqual([]);
    expect(errorsOf({ tags: [1, null] }).map((e) => e.path)).toEqual(['.tags[1]']);
    expect(errorsOf({ tags: [1, Number.NaN] } as unknown as Values)).toEqual([]);
  });

  it('a NaN and an undefined in a list are told apart although JSON writes both as null', () => {
    expect(errorsOf({ tags: [Number.NaN] } as unknown as Values)).toEqual([]);
    expect(errorsOf({ tags: [undefined] } as unknown as Values)).toEqual([{ path: '.tags[0]', rule: 'type', message: 'expected a number, got nothing' }]);
    expect(errorsOf({ tags: [Number.NaN] } as unknown as Values)).toEqual([]);
  });

  it('a Date is not the string JSON writes for it, at the root of the values or in a list', () => {
    const iso = '2026-01-01T00:00:00.000Z';
    expect(errorsOf({ when: iso })).toEqual([]);
    expect(errorsOf({ when: new Date(iso) } as unknown as Values).map((e) => e.path)).toEqual(['.when']);
    expect(errorsOf({ tags: [1] })).toEqual([]);
    expect(errorsOf({ tags: [new Date(0)] } as unknown as Values).map((e) => e.path)).toEqual(['.tags[0]']);
  });
});

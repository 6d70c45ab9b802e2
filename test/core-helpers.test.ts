// The helpers of lib/core every layer uses: problems and their one-line form (README "Errors"),
// the did-you-mean hint (Levenshtein distance, with the documented threshold), shared frozen data,
// and the values digest of docs/safety.md ("Encrypted Secrets kept across runs"). Everything is
// built inside the tests, so mutation testing sees which test covers what (docs/testing.md).
import { describe, expect, it } from 'vitest';
import { closest, CozystackValidationError, didYouMean, formatProblem, mapProblems, prefixed, type Problem, Problems } from '../lib/core/errors.js';
import { SHARED_VALUES, shareFrozen } from '../lib/core/library-objects.js';
import { VALUES_DIGEST_ANNOTATION, valuesDigest } from '../lib/core/values-digest.js';

const P = (over: Partial<Problem> = {}): Problem => ({ subject: 'platform', path: 'props.bundle', message: 'expected one of a, b, given c', rule: 'unknown-bundle', ...over });

describe('a problem as one line: `subject path: message [rule]`', () => {
  it('names subject, path, message and rule', () => {
    expect(formatProblem(P())).toBe('platform props.bundle: expected one of a, b, given c [unknown-bundle]');
  });
  it('a problem of the whole subject has no path and no space before the colon', () => {
    expect(formatProblem(P({ path: '' }))).toBe('platform: expected one of a, b, given c [unknown-bundle]');
  });
});

describe('CozystackValidationError', () => {
  it('carries every problem, its heading and a message with one indented line per problem', () => {
    const e = new CozystackValidationError([P(), P({ path: '', rule: 'r2' })], 'invalid platform settings');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CozystackValidationError');
    expect(e.heading).toBe('invalid platform settings');
    expect(e.problems).toHaveLength(2);
    expect(e.warnings).toEqual([]);
    expect(e.message).toBe(
      'invalid platform settings:\n  - platform props.bundle: expected one of a, b, given c [unknown-bundle]\n  - platform: expected one of a, b, given c [r2]',
    );
  });
  it('the heading is `invalid input` unless one is given', () => {
    const e = new CozystackValidationError([P()]);
    expect(e.heading).toBe('invalid input');
    expect(e.message.split('\n')[0]).toBe('invalid input:');
  });
});

describe('mapProblems', () => {
  const fail = (heading?: string) => () => {
    throw new CozystackValidationError([P(), P({ path: 'x' })], heading);
  };
  it('returns what the build returns when it does not throw', () => {
    expect(mapProblems(() => 42, (p) => p)).toBe(42);
  });
  it('maps every problem and keeps the original heading', () => {
    try {
      mapProblems(fail('invalid platform settings'), (p) => ({ ...p, path: `spec.${p.path}` }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CozystackValidationError);
      const v = e as CozystackValidationError;
      expect(v.problems.map((p) => p.path)).toEqual(['spec.props.bundle', 'spec.x']);
      expect(v.heading).toBe('invalid platform settings');
    }
  });
  it('a heading given replaces the original one', () => {
    expect(() => mapProblems(fail('a'), (p) => p, 'invalid document')).toThrow(/^invalid document:\n/);
  });
  it('another error passes unchanged, the same object', () => {
    const other = new TypeError('boom');
    try {
      mapProblems(
        () => {
          throw other;
        },
        (p) => p,
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBe(other);
    }
  });
});

describe('prefixed', () => {
  it('puts a path under the prefix, and gives the bare name for a problem of the whole thing', () => {
    expect(prefixed('rootTenant.', 'host')).toBe('rootTenant.host');
    expect(prefixed('rootTenant.', '', 'rootTenant')).toBe('rootTenant');
    expect(prefixed('rootTenant.', '')).toBe('');
  });
});

describe('Problems: collected, then thrown all at once', () => {
  it('adds problems under its subject or another one, counts them, and throws none while empty', () => {
    const p = new Problems('Platform platform');
    expect(p.size).toBe(0);
    expect(() => p.throwIfAny()).not.toThrow();
    p.add('props.a', 'given x', 'rule-a');
    p.add('props.b', 'given y', 'rule-b', 'Tenant team');
    expect(p.size).toBe(2);
    expect(p.problems).toEqual([
      { subject: 'Platform platform', path: 'props.a', message: 'given x', rule: 'rule-a' },
      { subject: 'Tenant team', path: 'props.b', message: 'given y', rule: 'rule-b' },
    ]);
    expect(p.all()).toEqual(p.problems);
  });
  it('throws every problem in one error, under the heading given or `invalid input`', () => {
    const p = new Problems('s');
    p.add('a', 'm1', 'r1');
    p.add('b', 'm2', 'r2');
    for (const [heading, expected] of [[undefined, 'invalid input'], ['invalid tenant', 'invalid tenant']] as const) {
      try {
        p.throwIfAny(heading);
        expect.unreachable();
      } catch (e) {
        expect((e as CozystackValidationError).problems.map((x) => x.rule)).toEqual(['r1', 'r2']);
        expect((e as CozystackValidationError).heading).toBe(expected);
      }
    }
  });
});

describe('did you mean: the known name nearest by edit distance, within max(2, ⌊length/3⌋)', () => {
  // Levenshtein distances by hand: one insertion, deletion or substitution each.
  it('finds names one, two or three edits away', () => {
    expect(closest('fluxx', ['flux', 'operator'])).toBe('flux'); // a deletion
    expect(closest('flx', ['flux', 'operator'])).toBe('flux'); // an insertion
    expect(closest('flox', ['flux', 'operator'])).toBe('flux'); // a substitution
    expect(closest('paas-fll', ['paas-full', 'paas-hosted'])).toBe('paas-full');
    expect(closest('kitten', ['sitting'])).toBeUndefined(); // 3 edits, beyond max(2, ⌊6/3⌋)
  });
  it('the threshold is max(2, ⌊length/3⌋): 2 for short names, a third of the length for long ones', () => {
    // 'ab' → 'xyz' needs 3 edits: beyond 2.
    expect(closest('ab', ['xyz'])).toBeUndefined();
    // 'ab' → 'cd' needs 2: within.
    expect(closest('ab', ['cd'])).toBe('cd');
    // A name of 9 characters allows 3 edits (⌊9/3⌋), not 4.
    expect(closest('abcdefghi', ['abcdefXYZ'])).toBe('abcdefXYZ');
    expect(closest('abcdefghi', ['abcdeWXYZ'])).toBeUndefined();
    // A name of 12 characters allows 4.
    expect(closest('abcdefghijkl', ['abcdefghWXYZ'])).toBe('abcdefghWXYZ');
    expect(closest('abcdefghijkl', ['abcdefgVWXYZ'])).toBeUndefined();
  });
  it('the nearest wins; of two as near, the first one known', () => {
    expect(closest('cilium', ['cilum', 'cilium-x', 'cillium'])).toBe('cilum');
    expect(closest('abcd', ['abce', 'abcf'])).toBe('abce');
    expect(closest('abcd', ['abxx', 'abce'])).toBe('abce');
    expect(closest('abc', [])).toBeUndefined();
  });
  it('distances count every position: prefixes, suffixes and the empty name', () => {
    expect(closest('', ['a', 'ab'])).toBe('a');
    expect(closest('', ['abc'])).toBeUndefined();
    expect(closest('xabc', ['abc', 'xab'])).toBe('abc');
    expect(closest('abcx', ['xabc', 'abc'])).toBe('abc');
    expect(closest('ba', ['ab'])).toBe('ab'); // a transposition is two edits
  });
  it('the hint is ` (did you mean \'x\'?)`, or nothing', () => {
    expect(didYouMean('fluxx', ['flux'])).toBe(" (did you mean 'flux'?)");
    expect(didYouMean('zzzzzz', ['flux'])).toBe('');
  });
});

describe('shareFrozen: shared plain data, deep-frozen and registered', () => {
  it('freezes and registers every map and list at any depth, and returns the same value', () => {
    const leaf = { retries: -1 };
    const list = [{ kind: 'Secret' }];
    const v = { install: { remediation: leaf }, valuesFrom: list };
    expect(shareFrozen(v)).toBe(v);
    for (const x of [v, v.install, leaf, list, list[0]!]) {
      expect(Object.isFrozen(x)).toBe(true);
      expect(SHARED_VALUES.has(x)).toBe(true);
    }
    expect(() => {
      (leaf as { retries: number }).retries = 3;
    }).toThrow(TypeError);
  });
  it('returns scalars and null as they are', () => {
    expect(shareFrozen(null)).toBeNull();
    expect(shareFrozen('x')).toBe('x');
    expect(shareFrozen(3)).toBe(3);
  });
  it('leaves data it was not given alone', () => {
    const other = { a: {} };
    shareFrozen({ b: 1 });
    expect(Object.isFrozen(other)).toBe(false);
    expect(SHARED_VALUES.has(other)).toBe(false);
  });
});

describe('the values digest of a SOPS-encrypted Secret (docs/safety.md)', () => {
  const S = { namespace: 'tenant-root', name: 'postgres-db1-credentials', type: 'Opaque', stringData: { 'values.yaml': 'password: s3cret\n' } };
  const R = ['age1aaa', 'age1bbb'];
  // Computed inside each test (about 0.1 s), not while the file is collected.
  const digestOf = (): string => valuesDigest(S, R);

  it('is `scrypt-v1:N=32768,r=8,p=1:` and 32 bytes in base64url, under its annotation', () => {
    const digest = digestOf();
    expect(VALUES_DIGEST_ANNOTATION).toBe('cdk8s.cozystack.io/values-digest');
    expect(digest).toMatch(/^scrypt-v1:N=32768,r=8,p=1:[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(digest.split(':')[2]!, 'base64url')).toHaveLength(32);
  });
  it('does not change between versions of the library: committed encrypted files would all be rewritten', () => {
    const digest = digestOf();
    // Recorded when the digest was introduced (commit of issue 15); a change of scheme must change
    // the `scrypt-v1` name, and this value with it.
    expect(digest).toBe(RECORDED);
  });
  it('is deterministic, and does not depend on the order of recipients or of keys', () => {
    const digest = digestOf();
    expect(valuesDigest({ ...S }, [...R])).toBe(digest);
    expect(valuesDigest(S, [...R].reverse())).toBe(digest);
    const two = { ...S, stringData: { a: '1', b: '2' } };
    expect(valuesDigest(two, R)).toBe(valuesDigest({ ...S, stringData: { b: '2', a: '1' } }, R));
    expect(valuesDigest({ namespace: 'n', name: 'm', type: undefined, data: { a: 'x' } }, R)).toBe(valuesDigest({ namespace: 'n', name: 'm', data: { a: 'x' } }, R));
  });
  it('changes with the namespace, the name, the recipients, the type, data and stringData', () => {
    const digest = digestOf();
    const others = [
      valuesDigest({ ...S, namespace: 'tenant-team' }, R),
      valuesDigest({ ...S, name: 'postgres-db2-credentials' }, R),
      valuesDigest(S, ['age1aaa']),
      valuesDigest(S, ['age1aaa', 'age1bbb', 'age1ccc']),
      valuesDigest(S, []),
      valuesDigest({ ...S, type: 'kubernetes.io/basic-auth' }, R),
      valuesDigest({ ...S, stringData: { 'values.yaml': 'password: s3cret2\n' } }, R),
      valuesDigest({ ...S, stringData: { 'other.yaml': 'password: s3cret\n' } }, R),
      valuesDigest({ namespace: S.namespace, name: S.name, type: S.type, data: S.stringData }, R),
      valuesDigest({ ...S, data: { x: 'eA==' } }, R),
      valuesDigest({ namespace: S.namespace, name: S.name, stringData: S.stringData }, R),
    ];
    expect(new Set([digest, ...others]).size).toBe(others.length + 1);
  });
  it('keeps namespace, name and recipients apart: moving a character between them changes it', () => {
    const a = valuesDigest({ namespace: 'ab', name: 'c' }, ['x']);
    expect(valuesDigest({ namespace: 'a', name: 'bc' }, ['x'])).not.toBe(a);
    expect(valuesDigest({ namespace: 'ab', name: 'cx' }, [])).not.toBe(a);
  });
});

const RECORDED = 'scrypt-v1:N=32768,r=8,p=1:EzjeQAy_yFJISWr4bvMvC5vIXccnwjdA8TDfxZqamvM';

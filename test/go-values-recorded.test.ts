// lib/releases/v1/go-values.ts against what real helm prints (test/recorded/helm-functions.json,
// recorded by scripts/record-helm-functions.ts with helm v4.1.4 from the values of
// scripts/upstream/helm-function-cases.ts): `toYaml`, `quote` and `toString` of each value, byte
// for byte. The recording's inputs are the case list's, so that neither is edited alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../lib/core/values.js';
import { quote, strval, toYaml } from '../lib/releases/v1/go-values.js';
import { HELM_FUNCTION_CASES } from '../scripts/upstream/helm-function-cases.js';

interface Recorded {
  helm: string;
  cases: Record<string, { value: JsonValue; toYaml: string; quote: string; toString: string }>;
}
const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'recorded', 'helm-functions.json'), 'utf8')) as Recorded;
const cases = Object.entries(recorded.cases);

/** The cases where toYaml does not print what helm prints, and why (none of them is a value the platform chart's settings need). */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'string: a BOM': "yaml.v2's double-quoted writer escapes every character after a BOM; not reimplemented",
  'string: NEL (printable)': 'the JSON sigs.k8s.io/yaml converts carries NEL raw, which the YAML reader folds as a line break; not reimplemented',
  'tree: a long key': 'a key longer than 128 characters is written as a complex key (? key / : value); not reimplemented',
  'tree: a key with a line break': 'a key with a line break is written as a complex key with a literal block; not reimplemented',
};

describe(`helm's template functions as helm ${recorded.helm.split(' ')[0]} prints them`, () => {
  it('the recording holds every case of the list, with its value', () => {
    expect(Object.keys(recorded.cases)).toEqual(Object.keys(HELM_FUNCTION_CASES));
    for (const [name, c] of cases) expect(c.value, name).toEqual(HELM_FUNCTION_CASES[name]);
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases.filter(([n]) => !(n in KNOWN_DIFFERENCES)))('toYaml of %s', (_, c) => {
    expect(toYaml(c.value)).toBe(c.toYaml);
  });
  // Listed, so that the list stays true: when one of these starts to match, the test fails and the
  // case moves back to the ones above (docs/testing.md, "What go-values does not do as helm").
  it.each(Object.entries(KNOWN_DIFFERENCES))('not as helm: toYaml of %s (%s)', (name) => {
    const c = recorded.cases[name]!;
    expect(toYaml(c.value)).not.toBe(c.toYaml);
  });
  it.each(cases)('quote of %s', (_, c) => {
    expect(quote(c.value)).toBe(c.quote);
  });
  it.each(cases)('toString of %s', (_, c) => {
    expect(strval(c.value)).toBe(c.toString);
  });
});

// lib/model/bundle.ts (Bundle) by the rules its API documents: the four upstream bundles of
// v0.41.11 by name (paas-full 87 components, paas-hosted 59, distro-full 63, distro-hosted 25, as
// the doc comments and releases/v0.41.11 say), anything else refused with the names expected;
// `with` adds at the end, removes (dropping edges into what it removes, static and conditional),
// replaces in place, and refuses unknown names and a component both removed and replaced; a
// definition is refused when a name is not a DNS label, a component is defined twice, a release
// name is longer than Helm's 53 characters, a chart path is not a relative folder, two components
// are one HelmRelease, or a dependency is unknown, the component itself, or part of a cycle.
import { beforeEach, describe, expect, it } from 'vitest';
import { CozystackValidationError } from '../lib/core/errors.js';
import type { Bundle as BundleClass } from '../lib/model/bundle.js';
import type { BundleDefinition } from '../lib/model/bundle-definition.js';
import type { ComponentDefinition } from '../lib/model/component.js';

// Bundle is imported inside the tests (not at the top): a change that makes the four upstream
// bundles throw while they load then fails the tests here instead of the whole file (StrykerJS'
// vitest runner counts a file that fails to load as no test failed, see docs/testing.md).
let Bundle: typeof BundleClass;
beforeEach(async () => {
  Bundle = (await import('../lib/model/bundle.js')).Bundle;
});
const c = (name: string, more: Partial<ComponentDefinition> = {}): ComponentDefinition => ({ name, chart: name, chartPath: `system/${name}`, namespace: `cozy-${name}`, ...more });
const def = (components: ComponentDefinition[], name = 'mine'): BundleDefinition => ({ name, requires: {} as BundleDefinition['requires'], components });
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CozystackValidationError)) throw e;
    return e.problems.map((p) => `${p.subject} ${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected a CozystackValidationError');
};
const heading = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as CozystackValidationError).heading;
  }
  return '';
};

describe('the upstream bundles', () => {
  it('are the four of v0.41.11 with their component counts, by name', () => {
    expect(Bundle.ALL.map((b) => [b.name, b.components.length])).toEqual([['paas-full', 87], ['paas-hosted', 59], ['distro-full', 63], ['distro-hosted', 25]]);
    for (const b of Bundle.ALL) expect(Bundle.fromName(b.name)).toBe(b);
    expect(Bundle.PAAS_FULL.componentNames).toHaveLength(87);
    expect(Bundle.PAAS_FULL.component('cilium')?.name).toBe('cilium');
    expect(Bundle.PAAS_FULL.component('no-such')).toBeUndefined();
  });

  it('refuses another name, naming the four and the nearest', () => {
    expect(problems(() => Bundle.fromName('paas-ful'))).toEqual(["bundle  [unknown-bundle] unknown bundle 'paas-ful'; expected one of paas-full, paas-hosted, distro-full, distro-hosted (did you mean 'paas-full'?)"]);
  });

  it('tells a Bundle from anything else', () => {
    expect(Bundle.isBundle(Bundle.DISTRO_HOSTED)).toBe(true);
    expect(Bundle.isBundle(Bundle.fromDefinition(def([c('a')])))).toBe(true);
    for (const x of [null, undefined, {}, 'paas-full', { name: 'paas-full', components: [] }, { [Symbol.for('')]: true }]) expect(Bundle.isBundle(x)).toBe(false);
    // A Bundle of another copy of this package carries the same registered symbol.
    expect(Bundle.isBundle({ [Symbol.for('cozystack-cdk8s.Bundle')]: true })).toBe(true);
  });
});

describe('a bundle of your own', () => {
  it('keeps its name, requirements and components in order', () => {
    const b = Bundle.fromDefinition({ ...def([c('a'), c('b', { dependsOn: ['a'] })]), requires: { oidc: true } as unknown as BundleDefinition['requires'] });
    expect(b.name).toBe('mine');
    expect(b.requires).toEqual({ oidc: true });
    expect(b.componentNames).toEqual(['a', 'b']);
  });

  it('refuses names that are not DNS labels, duplicates, long release names and chart paths that are not relative folders', () => {
    expect(problems(() => Bundle.fromDefinition(def([c('a')], 'My_Bundle'))))
      .toEqual(["bundle My_Bundle name [invalid-name] 'My_Bundle' is not a valid bundle name (lowercase letters, digits and '-')"]);
    expect(problems(() => Bundle.fromDefinition(def([c('A_b', { namespace: 'cozy-a', chartPath: 'system/a' })])))).toEqual(["bundle mine components[0].name [invalid-name] 'A_b' is not a valid component name (lowercase DNS label)"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a'), c('b'), c('a', { namespace: 'other' })]))))
      .toEqual(["bundle mine components[2].name [duplicate-component] component 'a' is defined twice (also at components[0])"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a', { namespace: 'Cozy' })])))).toEqual(["bundle mine components[0].namespace [invalid-name] 'Cozy' is not a valid namespace (lowercase DNS label)"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a', { namespace: undefined as unknown as string })])))).toEqual(["bundle mine components[0].namespace [invalid-name] 'undefined' is not a valid namespace (lowercase DNS label)"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a', { name: undefined as unknown as string, namespace: 'n', chartPath: 'system/a' })])))).toContain("bundle mine components[0].name [invalid-name] 'undefined' is not a valid component name (lowercase DNS label)");
    expect(problems(() => Bundle.fromDefinition(def([c('a', { chartPath: undefined as unknown as string })])))).toEqual(["bundle mine components[0].chartPath [invalid-path] 'undefined' is not a relative chart folder (expected e.g. system/cilium)"]);
    expect(() => Bundle.fromDefinition(def([c('a', { releaseName: 'r'.repeat(53) })]))).not.toThrow();
    expect(problems(() => Bundle.fromDefinition(def([c('a', { releaseName: 'r'.repeat(54) })]))))
      .toEqual([`bundle mine components[0].releaseName [invalid-name] '${'r'.repeat(54)}' is not a valid Helm release name (lowercase DNS label, at most 53 characters)`]);
    expect(problems(() => Bundle.fromDefinition(def([c('a', { releaseName: 'R' })])))).toHaveLength(1);
    for (const ok of ['cilium', 'system/cilium', 'extra/a.b_c-d/e']) expect(() => Bundle.fromDefinition(def([c('a', { chartPath: ok })])), ok).not.toThrow();
    for (const bad of ['/system/cilium', 'system/', 'system//cilium', '../cilium', 'System/cilium', 'system/cilium/', '', 'system/-x']) {
      expect(problems(() => Bundle.fromDefinition(def([c('a', { chartPath: bad })]))), bad)
        .toEqual([`bundle mine components[0].chartPath [invalid-path] '${bad}' is not a relative chart folder (expected e.g. system/cilium)`]);
    }
    expect(heading(() => Bundle.fromDefinition(def([c('a', { chartPath: '' })])))).toBe('invalid bundle mine');
  });

  it('refuses two components that would be one HelmRelease (namespace and release name, the name by default)', () => {
    expect(problems(() => Bundle.fromDefinition(def([c('a', { namespace: 'n' }), c('b', { namespace: 'n', releaseName: 'a' })]))))
      .toEqual(["bundle mine components[1] [duplicate-release] components 'a' and 'b' would both be HelmRelease n/a"]);
    expect(() => Bundle.fromDefinition(def([c('a', { namespace: 'n' }), c('b', { namespace: 'm', releaseName: 'a' })]))).not.toThrow();
  });

  it('refuses unknown dependencies, a component that depends on itself, and cycles through static and conditional edges', () => {
    expect(problems(() => Bundle.fromDefinition(def([c('cilium'), c('b', { dependsOn: ['cillium'] })]))))
      .toEqual(["bundle mine components[1].dependsOn[0] [unknown-dependency] component 'b' depends on 'cillium', which is not in the bundle (did you mean 'cilium'?)"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a'), c('b', { conditionalDependsOn: [{ when: 'oidc', add: ['a', 'unrelated-name'] }] })]))))
      .toEqual(["bundle mine components[1].conditionalDependsOn[0].add[1] [unknown-dependency] component 'b' depends on 'unrelated-name', which is not in the bundle"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a', { dependsOn: ['a'] })])))).toEqual(["bundle mine components[0].dependsOn[0] [dependency-cycle] component 'a' depends on itself"]);
    expect(problems(() => Bundle.fromDefinition(def([c('a', { dependsOn: ['c'] }), c('b', { dependsOn: ['a'] }), c('c', { conditionalDependsOn: [{ when: 'oidc', add: ['b'] }] })]))))
      .toEqual(['bundle mine components [dependency-cycle] dependency cycle: a -> c -> b -> a']);
    expect(problems(() => Bundle.fromDefinition(def([c('x'), c('y', { dependsOn: ['x'] }), c('a', { dependsOn: ['b', 'x'] }), c('b', { dependsOn: ['y', 'a'] })]))))
      .toEqual(['bundle mine components [dependency-cycle] dependency cycle: a -> b -> a']);
    // The cycle alone, not the path that led to it.
    expect(problems(() => Bundle.fromDefinition(def([c('p', { dependsOn: ['a'] }), c('a', { dependsOn: ['b'] }), c('b', { dependsOn: ['a'] })]))))
      .toEqual(['bundle mine components [dependency-cycle] dependency cycle: a -> b -> a']);
    // A diamond is no cycle.
    expect(() => Bundle.fromDefinition(def([c('a'), c('b', { dependsOn: ['a'] }), c('c', { dependsOn: ['a'] }), c('d', { dependsOn: ['b', 'c'] })]))).not.toThrow();
  });
});

describe('Bundle.with', () => {
  let base: BundleClass;
  beforeEach(() => {
    base = Bundle.fromDefinition(def([c('a'), c('b', { dependsOn: ['a'] }), c('c', { dependsOn: ['a', 'b'], conditionalDependsOn: [{ when: 'oidc', add: ['b'] }] })], 'base'));
  });

  it('adds at the end, replaces in place, keeps the name unless given and merges the requirements', () => {
    const d = base.with({ name: 'derived', add: [c('z', { dependsOn: ['a'] })], replace: [c('b', { chart: 'other' })], requires: { oidc: true } as never });
    expect(d.name).toBe('derived');
    expect(d.componentNames).toEqual(['a', 'b', 'c', 'z']);
    expect(d.component('b')?.chart).toBe('other');
    expect(d.requires).toEqual({ oidc: true });
    expect(base.with({}).name).toBe('base');
    expect(base.with({}).components).toEqual(base.components);
  });

  it('removes components and the edges into them, static and conditional, and leaves other components as they are', () => {
    const d = base.with({ remove: ['b'] });
    expect(d.componentNames).toEqual(['a', 'c']);
    expect(d.component('c')).toEqual({ ...c('c'), dependsOn: ['a'], conditionalDependsOn: [{ when: 'oidc', add: [] }] });
    expect(d.component('a')).toBe(base.component('a'));
    const onlyConditional = Bundle.fromDefinition(def([c('a'), c('b', { conditionalDependsOn: [{ when: 'oidc', add: ['a'] }] })])).with({ remove: ['a'] });
    expect(onlyConditional.component('b')).toEqual({ ...c('b'), dependsOn: [], conditionalDependsOn: [{ when: 'oidc', add: [] }] });
  });

  it('drops only the removed edges, static ones without conditional ones and the other way round', () => {
    const b = Bundle.fromDefinition(def([c('a'), c('b'), c('s', { dependsOn: ['a', 'b'] }), c('k', { conditionalDependsOn: [{ when: 'oidc', add: ['a', 'b'] }] }), c('n', { dependsOn: ['a'] })])).with({ remove: ['b'] });
    expect(b.component('s')).toEqual({ ...c('s'), dependsOn: ['a'], conditionalDependsOn: [] });
    expect(b.component('k')).toEqual({ ...c('k'), dependsOn: [], conditionalDependsOn: [{ when: 'oidc', add: ['a'] }] });
    expect(b.component('n')).toEqual(c('n', { dependsOn: ['a'] }));
    const two = Bundle.fromDefinition(def([c('a'), c('b'), c('k', { conditionalDependsOn: [{ when: 'oidc', add: ['a'] }, { when: 'telemetryDisabled', add: ['b'] }] })])).with({ remove: ['b'] });
    expect(two.component('k')).toEqual({ ...c('k'), dependsOn: [], conditionalDependsOn: [{ when: 'oidc', add: ['a'] }, { when: 'telemetryDisabled', add: [] }] });
    expect('conditionalDependsOn' in b.component('n')!).toBe(false);
  });

  it('refuses unknown names and a component both removed and replaced, all at once', () => {
    expect(problems(() => base.with({ name: 'x', remove: ['a', 'bb'], replace: [c('unrelated-name'), c('a')] }))).toEqual([
      "bundle x remove[1] [unknown-component] no component 'bb' in bundle base (did you mean 'b'?)",
      "bundle x replace[0].name [unknown-component] no component 'unrelated-name' in bundle base to replace",
      "bundle x replace[1].name [conflicting-change] component 'a' is both removed and replaced",
    ]);
    expect(heading(() => base.with({ remove: ['q'] }))).toBe('cannot derive a bundle from base');
  });
});

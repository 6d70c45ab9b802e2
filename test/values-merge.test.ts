// lib/core/values.ts and lib/core/kube-object.ts by their documented rules: Helm's merge of
// values (maps merge key by key, any other value of the override replaces the base, inputs are
// left alone), `{{name}}` placeholders (a whole-string placeholder keeps the value's type, inside
// a longer string it is written as text), and the identity and scope of Kubernetes objects (the
// scopes from the upstream resource definitions: Namespace, ClusterRole(Binding),
// ValidatingAdmissionPolicy(Binding) and CustomResourceDefinition are cluster-scoped in
// Kubernetes; Package and PackageSource are `scope: Cluster` in
// releases/v1.6.2/upstream/internal/crdinstall/manifests/; CiliumClusterwideNetworkPolicy is
// cluster-wide by definition, CiliumNetworkPolicy and the Flux kinds are `Namespaced`).
import { describe, expect, it } from 'vitest';
import { clone, compact, deepMerge, fillPlaceholders, isPlainObject, type JsonValue, type Values } from '../lib/core/values.js';
import { isClusterScoped, objectKey } from '../lib/core/kube-object.js';

describe('isPlainObject', () => {
  it('is true for maps only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject({ a: 1 })).toBe(true);
    for (const v of [null, undefined, [], [1], 'x', 1, true]) expect(isPlainObject(v)).toBe(false);
  });
});

describe('deepMerge (Helm values merge)', () => {
  it('merges maps key by key, at every depth', () => {
    const base: Values = { a: 1, m: { x: 1, y: { p: 1, q: 2 } }, keep: 'k' };
    const over: Values = { b: 2, m: { y: { q: 3, r: 4 }, z: 5 } };
    expect(deepMerge(base, over)).toEqual({ a: 1, b: 2, keep: 'k', m: { x: 1, y: { p: 1, q: 3, r: 4 }, z: 5 } });
  });

  it('replaces lists and scalars instead of merging them', () => {
    expect(deepMerge({ l: [1, 2, 3] }, { l: [9] })).toEqual({ l: [9] });
    expect(deepMerge({ m: { x: 1 } }, { m: 'scalar' })).toEqual({ m: 'scalar' });
    expect(deepMerge({ m: 'scalar' }, { m: { x: 1 } })).toEqual({ m: { x: 1 } });
    expect(deepMerge({ m: { x: 1 } }, { m: [1] })).toEqual({ m: [1] });
    expect(deepMerge({ m: [1] }, { m: { x: 1 } })).toEqual({ m: { x: 1 } });
    expect(deepMerge({ m: { x: 1 } }, { m: null })).toEqual({ m: null });
  });

  it('modifies neither input, and shares nothing mutable with the override', () => {
    const base: Values = { m: { x: 1 }, l: [1] };
    const over: Values = { m: { y: 2 }, n: { deep: { v: 1 } }, l2: [{ a: 1 }] };
    const baseCopy = JSON.parse(JSON.stringify(base));
    const overCopy = JSON.parse(JSON.stringify(over));
    const out = deepMerge(base, over);
    expect(base).toEqual(baseCopy);
    expect(over).toEqual(overCopy);
    ((out.n as Values).deep as Values).v = 2;
    ((out.l2 as Values[])[0] as Values).a = 2;
    (out.m as Values).x = 9;
    expect(over).toEqual(overCopy);
    expect(base).toEqual(baseCopy);
  });
});

describe('clone', () => {
  it('copies maps and lists at every depth', () => {
    const v: JsonValue = { a: [1, { b: [2, { c: 'x' }] }], n: null, t: true, s: 's', num: 1.5 };
    const c = clone(v);
    expect(c).toEqual(v);
    expect(c).not.toBe(v);
    const cm = c as { a: [number, { b: [number, { c: string }] }] };
    const vm = v as typeof cm;
    expect(cm.a).not.toBe(vm.a);
    expect(cm.a[1]).not.toBe(vm.a[1]);
    expect(cm.a[1].b[1]).not.toBe(vm.a[1].b[1]);
    cm.a[1].b[1].c = 'changed';
    expect(vm.a[1].b[1].c).toBe('x');
  });

  it('returns scalars as they are', () => {
    for (const v of ['x', 1, true, null] as JsonValue[]) expect(clone(v)).toBe(v);
  });
});

describe('fillPlaceholders', () => {
  const table: Record<string, JsonValue> = { host: 'example.org', port: 6443, on: true, none: null, list: [1, 2], map: { k: 'v' } };
  const lookup = (name: string): JsonValue => {
    if (!(name in table)) throw new Error(`unknown placeholder ${name}`);
    return table[name]!;
  };

  it('gives a whole-string placeholder the value with its type', () => {
    expect(fillPlaceholders('{{port}}', lookup)).toBe(6443);
    expect(fillPlaceholders('{{on}}', lookup)).toBe(true);
    expect(fillPlaceholders('{{none}}', lookup)).toBeNull();
    expect(fillPlaceholders('{{list}}', lookup)).toEqual([1, 2]);
    expect(fillPlaceholders('{{map}}', lookup)).toEqual({ k: 'v' });
  });

  it('writes values as text inside a longer string, every occurrence', () => {
    expect(fillPlaceholders('https://{{host}}:{{port}}', lookup)).toBe('https://example.org:6443');
    expect(fillPlaceholders('{{port}}{{port}}', lookup)).toBe('64436443');
    expect(fillPlaceholders(' {{port}}', lookup)).toBe(' 6443');
    expect(fillPlaceholders('{{port}} ', lookup)).toBe('6443 ');
    expect(fillPlaceholders('a{{on}}b', lookup)).toBe('atrueb');
  });

  it('leaves strings without a placeholder (or with a malformed one) alone', () => {
    expect(fillPlaceholders('plain', lookup)).toBe('plain');
    expect(fillPlaceholders('{{}}', lookup)).toBe('{{}}');
    expect(fillPlaceholders('{host}', lookup)).toBe('{host}');
    expect(fillPlaceholders('{{ho-st}}', lookup)).toBe('{{ho-st}}');
  });

  it('fills strings inside lists and maps, and keeps other values', () => {
    expect(fillPlaceholders({ a: ['{{host}}', 1, { b: '{{port}}', c: false, d: null }], e: 'x{{host}}' }, lookup)).toEqual({
      a: ['example.org', 1, { b: 6443, c: false, d: null }],
      e: 'xexample.org',
    });
    expect(fillPlaceholders(5, lookup)).toBe(5);
    expect(fillPlaceholders(null, lookup)).toBeNull();
  });

  it('does not modify its input', () => {
    const input: JsonValue = { a: ['{{host}}'], b: { c: '{{port}}' } };
    fillPlaceholders(input, lookup);
    expect(input).toEqual({ a: ['{{host}}'], b: { c: '{{port}}' } });
  });
});

describe('compact', () => {
  it('drops exactly the keys whose value is undefined', () => {
    expect(compact({ a: undefined, b: null, c: 0, d: '', e: false, f: 1 })).toEqual({ b: null, c: 0, d: '', e: false, f: 1 });
    expect(Object.keys(compact({ a: undefined, b: 1 }))).toEqual(['b']);
  });
});

describe('object identity and scope', () => {
  it.each(['Namespace', 'PackageSource', 'Package', 'ClusterRole', 'ClusterRoleBinding', 'CiliumClusterwideNetworkPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'CustomResourceDefinition'])(
    '%s is cluster-scoped',
    (kind) => {
      expect(isClusterScoped(kind)).toBe(true);
    },
  );
  it.each(['Role', 'RoleBinding', 'ServiceAccount', 'Secret', 'ConfigMap', 'HelmRelease', 'Kustomization', 'GitRepository', 'CiliumNetworkPolicy', 'ResourceQuota', 'LimitRange', 'Deployment'])(
    '%s is namespaced',
    (kind) => {
      expect(isClusterScoped(kind)).toBe(false);
    },
  );

  it('keys an object by API group, kind, namespace and name, not by version', () => {
    const hr = (apiVersion: string) => ({ apiVersion, kind: 'HelmRelease', metadata: { name: 'x', namespace: 'ns' } });
    expect(objectKey(hr('helm.toolkit.fluxcd.io/v2'))).toBe('helm.toolkit.fluxcd.io/HelmRelease/ns/x');
    expect(objectKey(hr('helm.toolkit.fluxcd.io/v2beta2'))).toBe(objectKey(hr('helm.toolkit.fluxcd.io/v2')));
    expect(objectKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-root' } })).toBe('v1/Namespace//tenant-root');
    expect(objectKey({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'b' } })).not.toBe(objectKey({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'a' } }));
  });
});

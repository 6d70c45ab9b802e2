// The one-pass JSON of ApiObjects (lib/object-json.ts) must give exactly what cdk8s' own
// ApiObject.toJson() gives (same values, same key order), for any plain data, and must leave
// everything else (Lazy values, patches, custom resolvers, class instances) to cdk8s.
import { ApiObject, App, Chart, JsonPatch, Lazy, type IResolver, type ResolutionContext } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, Kubernetes, type KubernetesProps, type KubeObject, Platform, Postgres } from '../lib/index.js';
import { addObject } from '../lib/renderings/objects.js';
import { objectJson, objectView } from '../lib/output/object-json.js';
import { toYaml, toYamlClean } from '../lib/output/yaml-emitter.js';
import { layoutFiles } from '../lib/output/layout.js';
import { outputFiles, renderOutput } from '../lib/synthesis/synthesize.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** Both renderings as text: JSON.stringify keeps key order, so equal text means equal order. */
function both(o: ApiObject, app: App): [string, string] {
  return [JSON.stringify(objectJson(o, app)), JSON.stringify(o.toJson())];
}

const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1', '10', '02', 'a-b', 'A', 'z', 'metadata', 'kind', 'apiVersion', 'spec', '_x'));
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constant(undefined));
const { value } = fc.letrec<{ value: unknown; map: Record<string, unknown>; list: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('value'), { maxKeys: 6, noNullPrototype: true }),
  list: fc.array(tie('value'), { maxLength: 4 }),
}));
const labels = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4, noNullPrototype: true });

describe('objectJson', () => {
  it('equals ApiObject.toJson() for plain data: values, dropped nulls, empty metadata maps, key order', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 6, noNullPrototype: true }),
        labels,
        labels,
        fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
        fc.dictionary(fc.constantFrom('generateName', 'uid', 'zz', 'a'), value, { maxKeys: 2, noNullPrototype: true }),
        fc.boolean(),
        (body, lab, ann, namespace, finalizers, extraMeta, chartLabels) => {
          const app = new App();
          const chart = new Chart(app, 'c', chartLabels ? { labels: { 'chart/label': 'x' } } : {});
          const o = new ApiObject(chart, 'o', {
            ...body,
            apiVersion: 'v1',
            kind: 'Thing',
            metadata: { name: 'n', labels: lab, annotations: ann, ...(namespace ? { namespace } : {}), ...extraMeta },
          });
          if (finalizers.length) o.metadata.addFinalizers(...finalizers);
          const [fast, cdk8s] = both(o, app);
          expect(fast).toBe(cdk8s);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('owner references and metadata added later are rendered too', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n' }, data: { b: '2', a: '1' } });
    o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'Namespace', name: 'ns', uid: 'u' });
    o.metadata.addLabel('l', 'v');
    o.metadata.add('generateName', 'g-');
    const [fast, cdk8s] = both(o, app);
    expect(fast).toBe(cdk8s);
    expect(JSON.parse(fast).metadata.ownerReferences).toHaveLength(1);
  });

  it('leaves Lazy values, JSON patches, class instances and custom resolvers to cdk8s', () => {
    class Upper implements IResolver {
      resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value.startsWith('up:')) context.replaceValue(context.value.slice(3).toUpperCase());
      }
    }
    const cases: [App, (c: Chart) => ApiObject, (json: Record<string, unknown>) => void][] = [
      [new App(), (c) => new ApiObject(c, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: Lazy.any({ produce: () => 'lazy' }) } }), (j) => expect(j.data).toEqual({ a: 'lazy' })],
      [
        new App(),
        (c) => {
          const o = new ApiObject(c, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
          o.addJsonPatch(JsonPatch.add('/data/b', null));
          return o;
        },
        (j) => expect(j.data).toEqual({ a: '1', b: null }),
      ],
      [new App({ resolvers: [new Upper()] }), (c) => new ApiObject(c, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'up:x' } }), (j) => expect(j.data).toEqual({ a: 'X' })],
    ];
    for (const [app, make, check] of cases) {
      const o = make(new Chart(app, 'c'));
      const [fast, cdk8s] = both(o, app);
      expect(fast).toBe(cdk8s);
      check(JSON.parse(fast) as Record<string, unknown>);
    }
    // A value cdk8s cannot render fails the same way.
    const app = new App();
    const o = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { when: new Date(0) } });
    expect(() => objectJson(o, app)).toThrow(/non-simple object of type 'Date'/);
  });
});

describe('objectView + toYamlClean', () => {
  const multiline = fc.constantFrom('a\nb', 'x\n', ' lead\ntrail\n\n');
  const { rich } = fc.letrec<{ rich: unknown; rmap: Record<string, unknown>; rlist: unknown[] }>((tie) => ({
    rich: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, multiline, tie('rmap'), tie('rlist')),
    rmap: fc.dictionary(key, tie('rich'), { maxKeys: 5, noNullPrototype: true }),
    rlist: fc.array(tie('rich'), { maxLength: 3 }),
  }));
  it('writes what toYaml writes of the sorted copy, for any plain data of a library object (or leaves it to that path)', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.dictionary(key.filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k)), rich, { maxKeys: 6, noNullPrototype: true }), labels, (body, lab) => {
        const app = new App();
        const o = addObject(new Chart(app, 'c'), { apiVersion: 'v1', kind: 'Thing' }, { name: 'n', namespace: 'ns', labels: lab }, body);
        const view = objectView(o, app);
        expect(view).toBeDefined();
        const expected = toYaml(objectJson(o, app));
        const text = toYamlClean(view!);
        if (text !== undefined) {
          fast++;
          expect(text).toBe(expected);
        }
        // What synthesis writes, whichever path it takes.
        expect(text ?? toYaml(objectJson(o, app))).toBe(expected);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(fast).toBeGreaterThan(RUNS / 2); // the fast path is the common one
  });

  it('is not used for objects the library did not make', () => {
    const app = new App();
    const o = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
    expect(objectView(o, app)).toBeUndefined();
  });
});

describe('renderOutput', () => {
  for (const tenantRendering of ['release', 'explicit'] as const) {
    it(`gives the files of collectObjects + layoutFiles, and of cdk8s' own toJson() (${tenantRendering} tenants)`, () => {
      const app = new App();
      const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443', tenantRendering });
      const foo = platform.rootTenant.addTenant('foo', { etcd: true, ingress: true, isolated: true });
      const bar = foo.addTenant('bar', { monitoring: true });
      new Postgres(foo, 'db', { replicas: 2, size: '10Gi', users: { alice: { password: 'secret' } } });
      new Kubernetes(bar, 'dev', { nodeGroups: null } as unknown as KubernetesProps); // a null deletes a chart default: a JSON patch
      const rendered = renderOutput(app);
      const objects = collectObjects(app);
      expect([...rendered.files]).toEqual([...outputFiles(app, objects)]);
      expect(rendered.objects).toBe(objects.length);
      expect(Object.values(rendered.kinds).reduce((a, b) => a + b, 0)).toBe(objects.length);
      // The same objects through cdk8s' own serialization.
      const viaCdk8s = app.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as KubeObject);
      expect(JSON.stringify(objects)).toBe(JSON.stringify(viaCdk8s));
      const extra = new Map([...rendered.files].filter(([p]) => p.startsWith('.') || p.endsWith('.sops.yaml')));
      expect([...layoutFiles(viaCdk8s, extra)]).toEqual([...rendered.files]);
    });
  }
});

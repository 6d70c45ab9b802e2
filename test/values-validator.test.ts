import { describe, expect, it } from 'vitest';
import { APP_CATALOGS } from '../apps/catalog.js';
import { PRECOMPILED_VALIDATORS } from '../apps/generated/validators.js';
import type { AppDefinition } from '../lib/model/app-definition.js';
import type { JsonValue, Values } from '../lib/core/values.js';
import { createValuesAjv } from '../lib/model/values-ajv.js';
import { mergeChartValues, validateAppValues, validatorFor } from '../lib/model/app-values.js';
import { type Case, cases, sample } from './support/schema-cases.js';

type Json = JsonValue;
type Obj = { [key: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The catalog of v0.41.11: the schemas the tests of its facts read. */
const V041 = APP_CATALOGS.find((c) => c.tag === 'v0.41.11')!.definitions;
/** Every definition of every release once (a release that did not change a kind shares its definition), named `Kind@version`. */
const ALL: readonly (readonly [string, AppDefinition])[] = (() => {
  const seen = new Set<AppDefinition>();
  const out: [string, AppDefinition][] = [];
  for (const c of APP_CATALOGS) {
    for (const d of c.definitions) {
      if (seen.has(d)) continue;
      seen.add(d);
      out.push([`${d.kind}@${c.version}`, d]);
    }
  }
  return out;
})();

function def(kind: string): AppDefinition {
  const d = V041.find((a) => a.kind === kind);
  if (!d) throw new Error(`no definition for ${kind}`);
  return d;
}

// ------------------------------------------------------------------ schema walk

/** Constraint kinds that appear anywhere below the root of a schema (found without the walker). */
function constraintKinds(schema: Json): Set<string> {
  const found = new Set<string>();
  const text = JSON.stringify(schema);
  // The root is `{"title":..,"type":"object","properties":{...}}`; every other `"type"` is a node's.
  if ((text.match(/"type":"(string|integer|number|boolean|array|object)"/g) ?? []).length > 1) found.add('type');
  if (text.includes('"enum":')) found.add('enum');
  if (text.includes('"pattern":')) found.add('pattern');
  if (text.includes('"required":')) found.add('required');
  return found;
}

const ruleOfKind: Record<Case['kind'], string> = {
  type: 'type',
  'int-or-string': 'type',
  enum: 'enum',
  pattern: 'pattern',
  'required-missing': 'required',
  'required-null': 'required',
};

// ------------------------------------------------------------------ mergeChartValues

describe('mergeChartValues', () => {
  const defaults: Values = {
    replicas: 2,
    backup: { enabled: false, schedule: '0 2 * * *', s3: { region: 'us-east-1', bucket: '' } },
    hosts: ['a', 'b'],
    resources: {},
  };

  it('merges maps key by key and lets user scalars and lists replace', () => {
    const merged = mergeChartValues(defaults, { replicas: 3, backup: { s3: { bucket: 'b1' } }, hosts: ['c'] });
    expect(merged).toEqual({
      replicas: 3,
      backup: { enabled: false, schedule: '0 2 * * *', s3: { region: 'us-east-1', bucket: 'b1' } },
      hosts: ['c'],
      resources: {},
    });
  });

  it('lets a user null delete a default key, at any depth', () => {
    const merged = mergeChartValues(defaults, { replicas: null, backup: { s3: { region: null } } });
    expect(merged).toEqual({ backup: { enabled: false, schedule: '0 2 * * *', s3: { bucket: '' } }, hosts: ['a', 'b'], resources: {} });
    expect('replicas' in merged).toBe(false);
  });

  it('drops a null that overrides nothing', () => {
    const merged = mergeChartValues(defaults, { extra: null, backup: { other: null }, resources: { cpu: null, memory: '1Gi' } });
    expect(merged).toEqual({ ...defaults, backup: defaults.backup, resources: { memory: '1Gi' } });
    expect('extra' in merged).toBe(false);
    expect('other' in (merged.backup as Obj)).toBe(false);
  });

  it('drops nulls inside a user map that has no default map under it', () => {
    expect(mergeChartValues({}, { users: { alice: { password: null, replication: true } } })).toEqual({ users: { alice: { replication: true } } });
  });

  it('keeps a user list as given, nulls included', () => {
    expect(mergeChartValues(defaults, { hosts: [null, 'x'] }).hosts).toEqual([null, 'x']);
  });

  it('lets a user value of another shape replace a default (scalar over map, map over scalar)', () => {
    expect(mergeChartValues(defaults, { backup: 'off', replicas: { min: 1 } })).toMatchObject({ backup: 'off', replicas: { min: 1 } });
  });

  it('treats undefined like a missing key', () => {
    expect(mergeChartValues(defaults, { replicas: undefined } as unknown as Values).replicas).toBe(2);
  });

  it('modifies neither input and shares nothing with them', () => {
    const d = structuredClone(defaults);
    const u: Values = { backup: { s3: { bucket: 'x' } }, hosts: ['z'] };
    const uCopy = structuredClone(u);
    const merged = mergeChartValues(d, u);
    ((merged.backup as Obj).s3 as Obj).region = 'changed';
    (merged.hosts as Json[]).push('more');
    (merged.resources as Obj).cpu = 1;
    expect(d).toEqual(defaults);
    expect(u).toEqual(uCopy);
  });
});

// ------------------------------------------------------------------ validateAppValues

describe('validateAppValues: chart defaults', () => {
  it.each(ALL)('%s: defaults alone give no error and no warning', (_, d) => {
    expect(validateAppValues(d, {})).toEqual({ errors: [], warnings: [] });
  });
});

describe('validateAppValues: values each schema rejects', () => {
  for (const [name, d] of ALL) {
    const all = cases(d.schema, d.defaults);
    const expectedKinds = constraintKinds(d.schema);

    it(`${name}: the walk covers every kind of constraint in the schema`, () => {
      const covered = new Set(all.map((c) => ruleOfKind[c.kind]));
      expect([...covered].sort()).toEqual([...expectedKinds].sort());
      // A required key with a chart default can be removed by a null.
      const requiredWithDefault = all.some((c) => c.kind === 'required-null');
      const hasRequiredDefault = JSON.stringify(d.schema).includes('"required":') && hasRequiredDefaultKey(d.schema, d.defaults);
      expect(requiredWithDefault).toBe(hasRequiredDefault);
    });

    if (!all.length) {
      it(`${name}: the schema has no constraint, any key is only a warning`, () => {
        const r = validateAppValues(d, { anything: 1, other: { x: true } });
        expect(r.errors).toEqual([]);
        expect(r.warnings.map((w) => [w.path, w.rule])).toEqual([
          ['.anything', 'unknown-key'],
          ['.other', 'unknown-key'],
        ]);
      });
      continue;
    }

    it.each(all.map((c) => [`${c.kind} at ${c.path}`, c] as const))(`${name}: %s is an error`, (_, c) => {
      const { errors } = validateAppValues(d, c.user);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ path: c.path, rule: c.rule });
      expect(errors[0]!.message.length).toBeGreaterThan(10);
    });
  }
});

function hasRequiredDefaultKey(schema: Json, dflt: Json | undefined): boolean {
  if (!isObj(schema) || !isObj(dflt)) return false;
  for (const r of (schema.required ?? []) as string[]) if (r in dflt) return true;
  const props = isObj(schema.properties) ? schema.properties : {};
  return Object.entries(props).some(([k, s]) => hasRequiredDefaultKey(s, dflt[k]));
}

describe('validateAppValues: messages and paths (Postgres, values from the v0.41.11 schema)', () => {
  const pg = def('Postgres');

  it('names the path, the expected and the given value', () => {
    const { errors } = validateAppValues(pg, {
      replicas: 'three',
      resourcesPreset: 'mikro',
      size: '10 GB',
      users: { alice: { password: 1 } },
      resources: { cpu: false },
    });
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e]));
    expect(Object.keys(byPath).sort()).toEqual(['.replicas', '.resources.cpu', '.resourcesPreset', '.size', '.users.alice.password']);
    expect(byPath['.replicas']).toMatchObject({ rule: 'type' });
    expect(byPath['.replicas']!.message).toMatch(/integer/);
    expect(byPath['.replicas']!.message).toContain('"three"');
    expect(byPath['.resourcesPreset']).toMatchObject({ rule: 'enum' });
    expect(byPath['.resourcesPreset']!.message).toContain('"2xlarge"');
    expect(byPath['.resourcesPreset']!.message).toContain("did you mean 'micro'?");
    expect(byPath['.size']).toMatchObject({ rule: 'pattern' });
    expect(byPath['.size']!.message).toContain('"10 GB"');
    expect(byPath['.resources.cpu']).toMatchObject({ rule: 'type' });
    expect(byPath['.resources.cpu']!.message).toMatch(/integer or a string/);
    expect(byPath['.users.alice.password']).toMatchObject({ rule: 'type' });
    // A value at a credential path is not echoed (issue 15): its type is.
    expect(byPath['.users.alice.password']!.message).toBe('expected a string, got integer (masked) (a credential path: the value is not shown)');
  });

  it('reports a required key removed by a null', () => {
    const { errors } = validateAppValues(pg, { backup: { enabled: null } });
    expect(errors).toEqual([{ path: '.backup.enabled', rule: 'required', message: expect.stringContaining('null') }]);
  });

  it('accepts required keys that only the chart defaults provide', () => {
    expect(validateAppValues(pg, { backup: { schedule: '0 3 * * *' }, bootstrap: {}, quorum: { maxSyncReplicas: 1 } }).errors).toEqual([]);
  });

  it.each(['-1', '+2Gi', '1.5', '500m', '1e3', '.5', '10Gi', -1, 0, 3])('accepts the quantity %j', (q) => {
    expect(validateAppValues(pg, { size: q, resources: { cpu: q, memory: q } }).errors).toEqual([]);
  });

  it.each(['10 GB', '1.5.5', 'Gi', '--1', '1Gb', ''])('rejects the quantity %j', (q) => {
    expect(validateAppValues(pg, { size: q }).errors).toEqual([{ path: '.size', rule: 'pattern', message: expect.any(String) }]);
  });

  it('turns unknown keys into warnings with a did-you-mean, at any depth', () => {
    const r = validateAppValues(pg, { replcas: 3, backup: { enabeld: true }, users: { bob: { pasword: 'x' } }, zzz: 1 });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      { path: '.replcas', rule: 'unknown-key', message: expect.stringContaining("did you mean 'replicas'?") },
      { path: '.backup.enabeld', rule: 'unknown-key', message: expect.stringContaining("did you mean 'enabled'?") },
      { path: '.users.bob.pasword', rule: 'unknown-key', message: expect.stringContaining("did you mean 'password'?") },
      { path: '.zzz', rule: 'unknown-key', message: expect.not.stringContaining('did you mean') },
    ]);
  });

  it('does not warn about keys under maps the schema leaves open', () => {
    const k8s = def('Kubernetes');
    const r = validateAppValues(k8s, { addons: { cilium: { valuesOverride: { anything: { goes: 1 } } } }, nodeGroups: { md0: { maxReplicas: 3 } } });
    expect(r).toEqual({ errors: [], warnings: [] });
  });
});

describe('validateAppValues: list items and map entries (v0.41.11 schemas)', () => {
  it('Kafka: a topic without config and replicas is rejected with item paths', () => {
    const { errors } = validateAppValues(def('Kafka'), { topics: [{ name: 'events', partitions: 3 }] });
    expect(errors.map((e) => [e.path, e.rule]).sort()).toEqual([
      ['.topics[0].config', 'required'],
      ['.topics[0].replicas', 'required'],
    ]);
  });

  it('MySQL: a user needs a password and maxUserConnections', () => {
    const { errors } = validateAppValues(def('MySQL'), { users: { app: { password: 'x' } } });
    expect(errors).toEqual([{ path: '.users.app.maxUserConnections', rule: 'required', message: expect.any(String) }]);
  });

  it('Kubernetes: a partial override of the default node group is fine, a new partial one is not', () => {
    const k8s = def('Kubernetes');
    expect(validateAppValues(k8s, { nodeGroups: { md0: { maxReplicas: 3 } } }).errors).toEqual([]);
    const { errors } = validateAppValues(k8s, { nodeGroups: { gpu: { instanceType: 'u1.large' } } });
    expect(errors.map((e) => e.path).sort()).toEqual([
      '.nodeGroups.gpu.ephemeralStorage',
      '.nodeGroups.gpu.maxReplicas',
      '.nodeGroups.gpu.minReplicas',
      '.nodeGroups.gpu.resources',
    ]);
  });

  it('Tenant: resource quotas are quantities keyed by resource name', () => {
    const t = def('Tenant');
    expect(validateAppValues(t, { resourceQuotas: { 'requests.cpu': '4', 'limits.memory': '8Gi', pods: 10 } }).errors).toEqual([]);
    expect(validateAppValues(t, { resourceQuotas: { 'requests.cpu': 'four' } }).errors).toEqual([
      { path: '.resourceQuotas["requests.cpu"]', rule: 'pattern', message: expect.any(String) },
    ]);
  });

  it('VirtualMachine: the empty string is an allowed instance profile, other strings are not', () => {
    const vm = def('VirtualMachine');
    expect(validateAppValues(vm, { instanceProfile: '' }).errors).toEqual([]);
    expect(validateAppValues(vm, { instanceProfile: 'ubuntu2' }).errors).toEqual([
      { path: '.instanceProfile', rule: 'enum', message: expect.stringContaining("did you mean 'ubuntu'?") },
    ]);
  });
});

describe('precompiled validators (apps/generated/validators.ts)', () => {
  it('one per catalog definition of every release, keyed by the definition\'s schema object, is what validatorFor returns', () => {
    expect(PRECOMPILED_VALIDATORS.size).toBe(ALL.length);
    for (const [, d] of ALL) {
      const pre = PRECOMPILED_VALIDATORS.get(d.schema);
      expect(typeof pre, d.kind).toBe('function');
      expect(validatorFor(d)).toBe(pre);
      expect(validatorFor({ ...d, defaults: {} })).toBe(pre);
      expect(validatorFor({ ...d, schema: structuredClone(d.schema) })).not.toBe(pre);
    }
  });

  const fresh = createValuesAjv();
  /** Values to compare on: none, each invalid case of the schema walk, all of them at once, and a few non-maps. */
  const inputs = (d: AppDefinition): Values[] => {
    const all = cases(d.schema, d.defaults).map((c) => c.user);
    return [{}, sample(d.schema) as Values, ...all, all.reduce((acc, u) => mergeChartValues(acc, u), {} as Values)];
  };

  it.each(ALL)('%s: same results as a run-time compile with the same options', (_, d) => {
    const pre = PRECOMPILED_VALIDATORS.get(d.schema)!;
    const runtime = fresh.compile(d.schema);
    const copy: AppDefinition = { ...d, schema: structuredClone(d.schema) }; // not in the map: compiled at run time
    let invalid = 0;
    const values = inputs(d);
    for (const user of values) {
      const merged = mergeChartValues(d.defaults, user);
      const a = [pre(merged), pre.errors];
      const b = [runtime(merged), runtime.errors];
      expect(a).toEqual(b);
      if (!a[0]) invalid++;
      expect(validateAppValues(d, user)).toEqual(validateAppValues(copy, user));
    }
    for (const data of [null, 'x', 1, [], true]) {
      expect([pre(data), pre.errors]).toEqual([runtime(data), runtime.errors]);
    }
    // Every invalid case and the combined one fail (schemas without constraints have none).
    expect(invalid).toBe(values.length > 3 ? values.length - 2 : 0);
  });

  it('a definition with a schema of its own is compiled at run time (formats included)', () => {
    const custom: AppDefinition = {
      kind: 'Custom',
      plural: 'customs',
      chart: 'custom',
      chartPath: 'apps/custom',
      prefix: 'custom-',
      labels: {},
      category: '',
      module: false,
      requiredServices: [],
      schema: {
        type: 'object',
        required: ['size'],
        properties: { replicas: { type: 'integer' }, size: { type: 'string', pattern: '^[0-9]+Gi$' }, contact: { type: 'string', format: 'email' } },
      },
      defaults: { size: '1Gi' },
    };
    const fn = validatorFor(custom);
    expect([...PRECOMPILED_VALIDATORS.values()]).not.toContain(fn);
    expect(validatorFor(custom)).toBe(fn);
    expect(validateAppValues(custom, { replicas: 2, contact: 'ops@example.org' })).toEqual({ errors: [], warnings: [] });
    const r = validateAppValues(custom, { replicas: 'two', size: '1 GB', contact: 'nobody', extra: 1 });
    expect(r.errors.map((e) => [e.path, e.rule])).toEqual([
      ['.replicas', 'type'],
      ['.size', 'pattern'],
      ['.contact', 'format'],
    ]);
    expect(r.warnings.map((e) => [e.path, e.rule])).toEqual([['.extra', 'unknown-key']]);
    expect(validateAppValues(custom, { size: null }).errors).toEqual([{ path: '.size', rule: 'required', message: expect.stringContaining('null') }]);
  });
});

describe('validateAppValues: speed', () => {
  it('validates one app well under a millisecond once compiled', () => {
    const k8s = def('Kubernetes');
    const user: Values = { nodeGroups: { md0: { maxReplicas: 3 } }, version: 'v1.32', addons: { certManager: { enabled: true } } };
    validateAppValues(k8s, user);
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) validateAppValues(k8s, user);
    const perCall = (performance.now() - t0) / n;
    expect(perCall).toBeLessThan(0.2);
  });
});

describe('values given again', () => {
  // validateAppValues remembers the answer for values it was given before (by their JSON text):
  // the answer must be the one a first validation gives, and a caller's changes to it stay its own.
  const postgres = APP_CATALOGS.find((c) => c.version === '1.6.2')!.definitions.find((d) => d.kind === 'Postgres')!;
  const bad = { replicas: 'three', unknownKey: 1 } as Values;

  it('gives the same errors and warnings the second time, as fresh objects', () => {
    const first = validateAppValues(postgres, bad);
    expect(first.errors.map((e) => e.path)).toEqual(['.replicas']);
    expect(first.warnings.map((w) => w.path)).toEqual(['.unknownKey']);
    first.errors[0]!.message = 'changed by the caller';
    first.errors.push({ path: '.x', message: 'added', rule: 'type' });
    const second = validateAppValues(postgres, structuredClone(bad));
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0]!.message).toMatch(/^expected an integer, got string "three"/);
    expect(second.warnings.map((w) => w.path)).toEqual(['.unknownKey']);
  });

  it('tells apart values that JSON would write alike (a non-finite number, null) and values of other definitions', () => {
    expect(validateAppValues(postgres, { replicas: null } as Values).errors).toEqual([]);
    expect(validateAppValues(postgres, { replicas: Number.NaN } as unknown as Values).errors.map((e) => e.path)).toEqual(['.replicas']);
    const redis = APP_CATALOGS.find((c) => c.version === '1.6.2')!.definitions.find((d) => d.kind === 'Redis')!;
    expect(validateAppValues(redis, bad).errors.map((e) => e.path)).toEqual(['.replicas']);
    // Postgres v17 is a version of its chart, not of Redis': the same values, each definition's answer.
    expect(validateAppValues(postgres, { version: 'v17' } as Values).errors).toEqual([]);
    expect(validateAppValues(redis, { version: 'v17' } as Values).errors.map((e) => e.path)).toEqual(['.version']);
  });
});

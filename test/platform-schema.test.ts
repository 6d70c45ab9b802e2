// The Platform document's schema (schemas/platform.schema.json, the schema the validator runs and
// the corpus cases of test/corpus take their expected problems from) checked against the props it
// stands for, read from the TypeScript sources (test/support/settings-inventory.ts): every prop is
// a field of the right type (enum literals, element types, map values), required exactly when the
// prop is, every settings object closed (additionalProperties: false), and every documented
// @default accepted by the schema. This makes the corpus expectations independent of the schema
// they read: a schema that drifts from PlatformProps fails here, not silently in the corpus.
import { Ajv } from 'ajv';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BUNDLE_NAMES } from './support/reference.js';
import { checker, documentFields, PLATFORM_SCHEMA_FILE, type PropInfo, propsOf, schemaAt, type SchemaNode, SOURCES } from './support/settings-inventory.js';

/** What the schema must say for a TypeScript type. */
type Expected =
  | { kind: 'boolean' | 'string' | 'number' | 'object' | 'bundle' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'array'; items: Expected }
  | { kind: 'map'; values: Expected[] };

/** Props whose JSDoc or validation says integer (a count, a port, a version number). */
const INTEGERS = new Set(['helmRelease.maxHistory', 'migrationsTargetVersion', 'operator.apiServerPort', 'tenantsPerChart', 'clusterState.installedDataVersion']);

function expectedOf(t: ts.Type): Expected {
  const c = checker();
  if (t.flags & ts.TypeFlags.Boolean || (t.isUnion() && t.types.every((x) => x.flags & ts.TypeFlags.BooleanLiteral))) return { kind: 'boolean' };
  if (t.flags & ts.TypeFlags.String) return { kind: 'string' };
  if (t.flags & ts.TypeFlags.Number) return { kind: 'number' };
  if (t.isStringLiteral()) return { kind: 'enum', values: [t.value] };
  if (t.isUnion() && t.types.every((x) => x.isStringLiteral())) return { kind: 'enum', values: t.types.map((x) => (x as ts.StringLiteralType).value).sort() };
  if (c.isArrayType(t)) return { kind: 'array', items: expectedOf(c.getTypeArguments(t as ts.TypeReference)[0]!) };
  const index = t.flags & ts.TypeFlags.Object ? c.getIndexInfosOfType(t) : [];
  if (index.length) {
    const v = index[0]!.type;
    // A map of maps (components.values: component to chart values): the inner values are the chart's business.
    if (v.flags & ts.TypeFlags.Object && c.getIndexInfosOfType(v).length) return { kind: 'map', values: [{ kind: 'object' }] };
    return { kind: 'map', values: v.isUnion() && !(v.flags & ts.TypeFlags.Boolean) ? v.types.map(expectedOf) : [expectedOf(v)] };
  }
  if (t.getSymbol()?.declarations?.some((d) => ts.isClassDeclaration(d)) && t.getSymbol()?.name === 'Bundle') return { kind: 'bundle' };
  if (t.flags & ts.TypeFlags.Object) return { kind: 'object' };
  throw new Error(`no schema rule for the type ${c.typeToString(t)}`);
}

const typesOf = (n: SchemaNode): string[] => (n.type === undefined ? [] : Array.isArray(n.type) ? [...n.type].sort() : [n.type]);

/** Differences between a schema node and what a prop's type asks for. */
function mismatch(path: string, n: SchemaNode, e: Expected): string[] {
  const out: string[] = [];
  const want = (types: string[]) => {
    if (JSON.stringify(typesOf(n)) !== JSON.stringify(types)) out.push(`${path}: type ${JSON.stringify(n.type)}, expected ${types.join(' or ')}`);
  };
  switch (e.kind) {
    case 'boolean':
    case 'string':
      want([e.kind]);
      if (n.enum) out.push(`${path}: an enum the prop's type does not have`);
      break;
    case 'number':
      want([INTEGERS.has(path.replace(/^spec\./, '')) ? 'integer' : 'number']);
      break;
    case 'enum':
      want(['string']);
      if (JSON.stringify([...(n.enum ?? [])].map(String).sort()) !== JSON.stringify(e.values)) out.push(`${path}: enum ${JSON.stringify(n.enum)}, expected ${JSON.stringify(e.values)}`);
      break;
    case 'bundle':
      // The bundles are the upstream ones (reference bundles.json), not the code's list.
      want(['string']);
      if (JSON.stringify([...(n.enum ?? [])].sort()) !== JSON.stringify([...BUNDLE_NAMES].sort())) out.push(`${path}: enum ${JSON.stringify(n.enum)}, expected the reference bundles ${JSON.stringify(BUNDLE_NAMES)}`);
      break;
    case 'array':
      want(['array']);
      if (!n.items) out.push(`${path}: no items`);
      else out.push(...mismatch(`${path}[]`, n.items, e.items));
      break;
    case 'map': {
      want(['object']);
      const ap = n.additionalProperties;
      if (typeof ap !== 'object') out.push(`${path}: additionalProperties ${JSON.stringify(ap)}, expected a schema for the map's values`);
      else if (e.values.length > 1) {
        const kinds = e.values.map((v) => v.kind).sort();
        if (JSON.stringify(typesOf(ap)) !== JSON.stringify(kinds)) out.push(`${path}.*: type ${JSON.stringify(ap.type)}, expected ${kinds.join(' or ')}`);
      } else out.push(...mismatch(`${path}.*`, ap, e.values[0]!));
      break;
    }
    case 'object':
      want(['object']);
      break;
  }
  return out;
}

const PLATFORM = propsOf(SOURCES.platformProps).map((p) => ({ ...p, path: `spec.${p.path}` }));
const GITOPS = propsOf(SOURCES.gitOpsProps).map((p) => ({ ...p, path: `spec.gitops.${p.path}` }));
const ALL: PropInfo[] = [...PLATFORM, ...GITOPS];

/** A literal @default (`'main'`, `5`, `true`, `[]`, `{}`), undefined for prose (`- none`, `16 MiB`). */
function literalDefault(d: string | undefined): { value: unknown } | undefined {
  if (d === undefined) return undefined;
  const s = d.trim().replace(/ \(.*\)$/, ''); // "false (true for the root tenant)"
  if (/^'[^']*'$/.test(s)) return { value: s.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(s)) return { value: Number(s) };
  if (s === 'true' || s === 'false') return { value: s === 'true' };
  if (s === '[]') return { value: [] };
  if (s === '{}') return { value: {} };
  return undefined;
}

/** A document with `value` at `path` (e.g. spec.gitops.branch), and what a valid document needs beside it. */
function documentWith(path: string, value: unknown): Record<string, unknown> {
  const doc: Record<string, unknown> = { apiVersion: 'cdk8s.cozystack.io/v1alpha1', kind: 'Platform', spec: { bundle: 'distro-hosted', version: '0.41.11', ...(path.startsWith('spec.gitops.') ? { gitops: { url: 'https://git.example/p.git' } } : {}) } };
  const parts = path.split('.');
  let o = doc;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts.at(-1)!] = value;
  return doc;
}

describe('schemas/platform.schema.json against PlatformProps (independent of the validator)', () => {
  it('has a field for every prop and a prop for every field', () => {
    const fields = documentFields().map((f) => f.path).filter((f) => f.startsWith('spec.'));
    expect(fields.filter((f) => !ALL.some((p) => p.path === f))).toEqual([]);
    expect(ALL.filter((p) => !fields.includes(p.path)).map((p) => p.path)).toEqual([]);
  });

  it('gives every field the type of its prop: enum literals, element types of lists, value types of maps, integers', () => {
    const problems = ALL.flatMap((p) => mismatch(p.path, schemaAt(p.path)!, expectedOf(p.type)));
    expect(problems).toEqual([]);
    expect(ALL.length).toBeGreaterThan(60);
  });

  it('requires exactly the props that are not optional (spec.bundle, spec.gitops.url), and apiVersion, kind, spec', () => {
    expect([...(PLATFORM_SCHEMA_FILE.required ?? [])].sort()).toEqual(['apiVersion', 'kind', 'spec']);
    const requiredFields = ALL.filter((p) => {
      const parent = p.path.split('.').slice(0, -1).join('.');
      return (schemaAt(parent)?.required ?? []).includes(p.path.split('.').at(-1)!);
    }).map((p) => p.path);
    expect(requiredFields.sort()).toEqual(ALL.filter((p) => !p.optional).map((p) => p.path).sort());
    expect(requiredFields.sort()).toEqual(['spec.bundle', 'spec.gitops.url']);
  });

  it('closes every settings object (unknown fields are errors, as the props interfaces have no others)', () => {
    const objects = new Set(ALL.flatMap((p) => p.path.split('.').slice(1, -1).map((_, i, a) => `spec.${a.slice(0, i + 1).join('.')}`)));
    objects.add('spec');
    const open = [...objects].filter((o) => schemaAt(o)?.additionalProperties !== false);
    expect(open).toEqual([]);
  });

  it('accepts every documented literal @default of the props (an enum holds its default, an integer field an integer default)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(PLATFORM_SCHEMA_FILE);
    const checked: string[] = [];
    const refused: string[] = [];
    for (const p of ALL) {
      const d = literalDefault(p.default);
      if (!d) continue;
      checked.push(p.path);
      if (!validate(documentWith(p.path, d.value))) refused.push(`${p.path} @default ${p.default}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(refused).toEqual([]);
    // The literal defaults there are (prose defaults such as "- none" are not values).
    for (const path of ['spec.clusterDomain', 'spec.clusterIssuer', 'spec.mode', 'spec.tenantRendering', 'spec.helmRelease.maxHistory', 'spec.operator.apiServerPort', 'spec.deletionGuardrail', 'spec.gitops.branch', 'spec.credentials.handling']) {
      expect(checked, path).toContain(path);
    }
  });

  it('refuses a value of the wrong type for every field (the schema really constrains each one)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(PLATFORM_SCHEMA_FILE);
    const wrong = (e: Expected): unknown => (e.kind === 'string' || e.kind === 'enum' || e.kind === 'bundle' ? 12 : e.kind === 'array' || e.kind === 'map' || e.kind === 'object' ? 'text' : 'text');
    const accepted = ALL.filter((p) => validate(documentWith(p.path, wrong(expectedOf(p.type))))).map((p) => p.path);
    expect(accepted).toEqual([]);
  });
});

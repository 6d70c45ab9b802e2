import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { PLATFORM_VALIDATOR } from './generated/platform-validator.js';
import { Bundle } from '../model/bundle.js';
import { didYouMean, type Problem } from '../core/errors.js';
import type { GitOpsProps } from '../renderings/gitops.js';
import type { PlatformConstructProps } from '../constructs/platform.js';

/** apiVersion of the Platform document. */
export const PLATFORM_API_VERSION = 'cdk8s.cozystack.io/v1alpha1';

/** The JSON Schema of the Platform document, as published in the package (`schemas/platform.schema.json`). */
export const PLATFORM_SCHEMA = JSON.parse(readFileSync(schemaFile(), 'utf8')) as Record<string, unknown>;

/** The schema file beside the package's lib folder (from the sources or from the build). */
function schemaFile(): string {
  // lib/input (sources), build/lib/input (compiled) and build/cli (the bundled command line).
  const candidates = [2, 3].map((up) => join(import.meta.dirname, ...Array<string>(up).fill('..'), 'schemas', 'platform.schema.json'));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

/** The platform settings a Platform document carries, with where it came from. */
export interface PlatformDocument {
  /** Settings for the Platform construct. */
  readonly props: PlatformConstructProps;
  /** Flux bootstrap settings, if the document has `spec.gitops`. */
  readonly gitops?: GitOpsProps;
  /** Name in metadata. */
  readonly name: string;
}

/**
 * Validates a parsed Platform document against the published schema and turns it into the
 * Platform's props. Returns problems named by `subject` (e.g. `platform.yaml#1`) and JSON path.
 */
export function parsePlatformDocument(value: unknown, subject: string): { document?: PlatformDocument; problems: Problem[] } {
  // Precompiled from the schema (scripts/gen-platform-validator.ts, options in platform-ajv.ts):
  // compiling it at every run cost tens of milliseconds.
  const validator = PLATFORM_VALIDATOR;
  if (!validator(value)) {
    return { problems: dedupe((validator.errors ?? []).map((e) => toProblem(e, subject))) };
  }
  const doc = value as { metadata?: { name?: string }; spec: Record<string, unknown> & { bundle: string; gitops?: GitOpsProps } };
  const { bundle, gitops, ...rest } = doc.spec;
  const props = { ...rest, bundle: Bundle.fromName(bundle) } as unknown as PlatformConstructProps;
  return { document: { props, ...(gitops ? { gitops } : {}), name: doc.metadata?.name ?? 'platform' }, problems: [] };
}

function toProblem(e: ErrorObject, subject: string): Problem {
  const path = e.instancePath
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i ? '.' : ''}${s}`))
    .join('');
  const at = path || '(document)';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(propertiesAt(e.schemaPath) ?? {});
      return { subject, path: path ? `${path}.${key}` : key, message: `unknown field '${key}'${didYouMean(key, known)}${known.length ? ` (expected one of ${known.join(', ')})` : ''}`, rule: 'unknown-field' };
    }
    case 'required':
      return { subject, path: path ? `${path}.${(e.params as { missingProperty: string }).missingProperty}` : (e.params as { missingProperty: string }).missingProperty, message: 'is required', rule: 'required' };
    case 'enum': {
      // The value given (no Platform setting with choices is a credential) and the nearest choice:
      // one that differs only in case first, as `Flux` for `flux`.
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const given = String(e.data);
      const sameLetters = allowed.find((v) => typeof v === 'string' && v.toLowerCase() === given.toLowerCase());
      const hint = sameLetters !== undefined ? ` (did you mean '${String(sameLetters)}'?)` : didYouMean(given, allowed.map(String));
      return { subject, path: at, message: `got ${JSON.stringify(e.data)}; expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${hint}`, rule: 'invalid-enum' };
    }
    case 'const':
      return { subject, path: at, message: `expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`, rule: 'invalid-value' };
    case 'type':
      return { subject, path: at, message: `expected ${(e.params as { type: string }).type}`, rule: 'invalid-type' };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return { subject, path: at, message: `expected a number ${(e.params as { comparison: string }).comparison} ${(e.params as { limit: number }).limit}`, rule: 'invalid-number' };
    default:
      return { subject, path: at, message: e.message ?? 'is invalid', rule: e.keyword };
  }
}

/** The `properties` of the schema node an error's schemaPath points into. */
function propertiesAt(schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = PLATFORM_SCHEMA;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  return (node as { properties?: Record<string, unknown> } | undefined)?.properties;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  // A value of the wrong type fails its enum or pattern too; the type is the one problem to report.
  const typed = new Set(problems.filter((p) => p.rule === 'invalid-type').map((p) => p.path));
  return problems.filter((p) => {
    if (p.rule !== 'invalid-type' && typed.has(p.path)) return false;
    const k = `${p.path}|${p.rule}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

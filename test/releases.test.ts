// Release profiles (issue 13): `version` selects one pinned upstream release, and what is emitted
// belongs to that release. Expectations come from the release data in releases/<tag>/ (written by
// scripts/snapshot-upstream.ts from the upstream tags), read here directly, not through the library.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Bundle, CozystackValidationError, DEFAULT_PLATFORM_VERSION, KNOWN_RELEASES, Platform, Postgres, renderFiles } from '../lib/index.js';
import { validateObject } from './support/schemas.js';
import { BUNDLE_NAMES, BUNDLES_JSON, releaseDir } from './support/reference.js';
import { ofKind, PAAS, spec, synthPlatform } from './support/synth.js';

const RELEASES = join(import.meta.dirname, '..', 'releases');
/** The pinned tags: the folders of releases/ that carry a SOURCE.md with a `Tag:` line. */
const TAGS = readdirSync(RELEASES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^- Tag: `v/m.test(readFileSafe(join(RELEASES, e.name, 'SOURCE.md'))))
  .map((e) => e.name);
function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
/** Chart folders of a release, relative to packages/ (charts.json). */
function chartsOf(tag: string): Set<string> {
  const data = JSON.parse(readFileSync(join(RELEASES, tag, 'charts.json'), 'utf8')) as { charts: { path: string }[] };
  return new Set(data.charts.map((c) => c.path.replace(/^packages\//, '')));
}
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected an error');
};
const V041 = { version: '0.41.11' } as const;

describe('the pinned releases', () => {
  it('are v0.41.11, v1.6.0 and v1.6.2, the newest the default', () => {
    expect(TAGS.sort()).toEqual(['v0.41.11', 'v1.6.0', 'v1.6.2']);
    expect(KNOWN_RELEASES).toEqual(['0.41.11', '1.6.0', '1.6.2']);
    expect(DEFAULT_PLATFORM_VERSION).toBe('1.6.2');
  });

  it('an unknown version is an error that lists the known ones, with a suggestion', () => {
    expect(problems(() => synthPlatform({ version: '1.6.1' }))).toEqual([expect.stringMatching(/^version \[unknown-version\] '1\.6\.1' is not a release this library pins \(it knows 0\.41\.11, 1\.6\.0, 1\.6\.2\) \(did you mean '1\.6\.0'\?\)$/)]);
  });
});

describe('v0.41.11: the four bundles with the charts of the v0.41.11 tree', () => {
  const charts = chartsOf('v0.41.11');

  it.each(BUNDLE_NAMES)('%s: one HelmRelease per component the bundle renders by default, each chart a folder of the v0.41.11 tree', (name) => {
    const bundle = Bundle.fromName(name);
    const props = BUNDLES_JSON.bundles[name]!.failsWithout.length ? PAAS : {};
    const { objects } = synthPlatform({ ...V041, bundle, ...props });
    const releases = ofKind(objects, 'HelmRelease').filter((o) => (o.metadata.labels as Record<string, string>)['cozystack.io/system-app'] === 'true');
    expect(releases.map((r) => r.metadata.name).sort()).toEqual([...BUNDLES_JSON.bundles[name]!.derived.helmReleasesRenderedByDefault].map((s) => s.split('/').pop()!).sort());
    for (const r of releases) {
      const chart = spec<{ chart: { spec: { chart: string; sourceRef: unknown } } }>(r).chart.spec;
      expect(chart.chart.startsWith('packages/'), chart.chart).toBe(true);
      expect(charts.has(chart.chart.slice('packages/'.length)), chart.chart).toBe(true);
      expect(chart.sourceRef).toEqual({ kind: 'GitRepository', name: 'cozystack-packages', namespace: 'cozy-system' });
      expect(spec(r)).not.toHaveProperty('chartRef');
    }
    for (const o of objects) expect(validateObject(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });

  it('charts come from a GitRepository of the upstream repository at tag v0.41.11, overridable with the source settings', () => {
    const repos = ofKind(synthPlatform(V041).objects, 'GitRepository');
    expect(repos.map((r) => [r.metadata.name, spec(r)])).toEqual([['cozystack-packages', { url: 'https://github.com/cozystack/cozystack', interval: '5m', ref: { tag: 'v0.41.11' } }]]);
    const mine = ofKind(synthPlatform({ ...V041, source: { url: 'https://git.example/cozystack.git', ref: { commit: 'b1dac3c3c963e938b0e7082615987838c22ae5e3' } } }).objects, 'GitRepository');
    expect(spec(mine[0]!)).toEqual({ url: 'https://git.example/cozystack.git', interval: '5m', ref: { commit: 'b1dac3c3c963e938b0e7082615987838c22ae5e3' } });
  });

  it('nothing of the v1 delivery: no OCI source, PackageSource, ArtifactGenerator, Package, cozystack.io CRD, version ConfigMap or guardrail', () => {
    const kinds = new Set(synthPlatform(V041).objects.map((o) => o.kind));
    for (const k of ['OCIRepository', 'PackageSource', 'ArtifactGenerator', 'Package', 'CustomResourceDefinition', 'ValidatingAdmissionPolicy', 'Deployment']) expect(kinds.has(k), k).toBe(false);
    expect(synthPlatform(V041).objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['cozystack']);
  });

  it('the cozy-system/cozystack ConfigMap carries the settings the v0.41.11 charts look up (kube-ovn reads its CIDRs from it)', () => {
    const { objects } = synthPlatform({ ...V041, network: { podCidr: '10.250.0.0/16', podGateway: '10.250.0.1', serviceCidr: '10.99.0.0/16', joinCidr: '100.70.0.0/16' }, clusterDomain: 'corp.local' });
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cozystack')!;
    expect(cm.metadata.namespace).toBe('cozy-system');
    // The ConfigMap keys of the v0.41.11 installer (bundles.json configKeys).
    expect(cm.data).toMatchObject({
      'bundle-name': 'paas-full',
      'root-host': 'example.org',
      'api-server-endpoint': 'https://api.example.org:6443',
      'cluster-domain': 'corp.local',
      'ipv4-pod-cidr': '10.250.0.0/16',
      'ipv4-pod-gateway': '10.250.0.1',
      'ipv4-svc-cidr': '10.99.0.0/16',
      'ipv4-join-cidr': '100.70.0.0/16',
    });
    const kubeovn = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'kubeovn')!;
    expect((spec(kubeovn) as { values: { 'kube-ovn': { ipv4: unknown } } }).values['kube-ovn'].ipv4).toEqual({ POD_CIDR: '10.250.0.0/16', POD_GATEWAY: '10.250.0.1', SVC_CIDR: '10.99.0.0/16', JOIN_CIDR: '100.70.0.0/16' });
  });

  it('apps, tenants and tenant modules take their charts from the same tree', () => {
    for (const rendering of ['release', 'explicit'] as const) {
      const app = new App({ outdir: '/nonexistent-never-written' });
      const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...V041, tenantRendering: rendering });
      new Postgres(platform.rootTenant.addTenant('team'), 'db');
      const files = renderFiles(app);
      const releases = [...files.values()].filter((t) => t.startsWith('apiVersion: helm.toolkit.fluxcd.io/v2'));
      const paths = releases.flatMap((t) => [.../chart: (packages\/\S+)/.exec(t) ?? []].slice(1));
      expect(paths.length).toBe(releases.length);
      for (const p of paths) expect(charts.has(p.slice('packages/'.length)), p).toBe(true);
      expect(paths).toContain('packages/apps/postgres');
      // Release rendering: tenants are HelmReleases of the tenant chart; explicit: its modules are.
      expect(paths).toContain(rendering === 'release' ? 'packages/apps/tenant' : 'packages/extra/info');
    }
  });

  it('settings v0.41.11 does not have are errors naming the setting, the release and what has it', () => {
    expect(problems(() => synthPlatform({ ...V041, mode: 'operator' }))).toEqual([expect.stringMatching(/^mode \[not-in-release\] Cozystack 0\.41\.11 has no cozystack operator.*1\.6\.0, 1\.6\.2/)]);
    expect(problems(() => synthPlatform({ ...V041, deletionGuardrail: true }))).toEqual([expect.stringMatching(/^deletionGuardrail \[not-in-release\]/)]);
    expect(problems(() => synthPlatform({ ...V041, operator: { variant: 'hosted' } }))).toEqual([expect.stringMatching(/^operator \[not-in-release\]/)]);
    expect(problems(() => synthPlatform({ ...V041, source: { url: 'oci://registry.example/cozystack-packages' } }))).toEqual([expect.stringMatching(/^source\.url \[not-in-release\].*Git/)]);
    expect(problems(() => synthPlatform({ ...V041, components: { chartPaths: { cilium: 'system/no-such-chart' } } }))).toEqual([
      expect.stringMatching(/^components\.chartPaths\.cilium \[chart-not-in-release\] component 'cilium' uses chart folder system\/no-such-chart, which Cozystack 0\.41\.11 does not have/),
    ]);
  });
});

describe('v1.6.x: chart folders of the release', () => {
  // Every chart path the output references (the PackageSources' components and libraries, and
  // what the ArtifactGenerators copy) is a chart folder of the pinned release (charts.json).
  const variants = [
    ['isp-full', Bundle.PAAS_FULL],
    ['isp-hosted', Bundle.PAAS_HOSTED],
    ['isp-full-generic', Bundle.PAAS_FULL],
  ] as const;
  for (const tag of ['v1.6.0', 'v1.6.2']) {
    it.each(variants)(`${tag}, variant %s: every chart path of the output is in the release`, (variant, bundle) => {
      const charts = chartsOf(tag);
      const { objects } = synthPlatform({ version: tag.slice(1), bundle, variant, oidc: { enabled: true } });
      const paths = ofKind(objects, 'PackageSource').flatMap((s) =>
        (spec(s) as { variants: { libraries?: { path: string }[]; components: { path: string }[] }[] }).variants.flatMap((v) => [...(v.libraries ?? []).map((l) => l.path), ...v.components.map((c) => c.path)]),
      );
      const copied = ofKind(objects, 'ArtifactGenerator').flatMap((g) =>
        (spec(g) as { artifacts: { copy: { from: string }[] }[] }).artifacts.flatMap((a) => a.copy.map((c) => /^@cozystack-packages\/([^/]+\/[^/]+)\//.exec(c.from)![1]!)),
      );
      expect(paths.length).toBeGreaterThan(90);
      expect(copied.length).toBeGreaterThan(90);
      expect([...new Set([...paths, ...copied])].filter((p) => !charts.has(p)).sort()).toEqual([]);
    });
  }
});


describe('v1.6.x: system HelmRelease values against their chart schemas', () => {
  // Every installed system component whose chart has a values.schema.json (the snapshot brings
  // every packages/system/*/values.schema.json of the tag) gets values its schema accepts: the
  // chart's values.yaml with the HelmRelease's values over it, as helm validates them.
  for (const tag of ['v1.6.0', 'v1.6.2']) {
    it(`${tag}: every system release of every variant (OIDC on, the optional packages enabled) whose chart has a schema is valid for it`, () => {
      const dir = join(releaseDir(tag), 'upstream', 'packages', 'system');
      const schemas = new Set(readdirSync(dir).filter((c) => existsSync(join(dir, c, 'values.schema.json'))).map((c) => `system/${c}`));
      expect(schemas.size).toBeGreaterThan(0);
      let checked = 0;
      for (const [variant, bundle] of [['isp-full', Bundle.PAAS_FULL], ['isp-hosted', Bundle.PAAS_HOSTED], ['isp-full-generic', Bundle.PAAS_FULL]] as const) {
        const { objects } = synthPlatform({ version: tag.slice(1), bundle, variant, oidc: { enabled: true }, components: { enable: ['gpu-operator', 'bootbox', 'velero', 'external-dns', 'nfs-driver'] } });
        const artifacts = new Map(ofKind(objects, 'ArtifactGenerator').flatMap((g) => (spec(g) as { artifacts: { name: string; copy: { from: string }[] }[] }).artifacts.map((a) => [a.name, /^@cozystack-packages\/([^/]+\/[^/]+)\//.exec(a.copy[0]!.from)![1]!] as const)));
        for (const hr of ofKind(objects, 'HelmRelease').filter((r) => (r.metadata.labels as Record<string, string> | undefined)?.['cozystack.io/package'])) {
          const chart = artifacts.get((spec(hr) as { chartRef: { name: string } }).chartRef.name)!;
          if (!schemas.has(chart)) continue;
          const defaults = (parseYaml(readFileSync(join(releaseDir(tag), 'upstream', 'packages', chart, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
          const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(join(releaseDir(tag), 'upstream', 'packages', chart, 'values.schema.json'), 'utf8')) as object);
          expect(validate({ ...defaults, ...((spec(hr).values as Record<string, unknown>) ?? {}) }), `${hr.metadata.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
          checked++;
        }
      }
      // At both tags the only system chart with a schema is system/seaweedfs-db, a chart of the
      // seaweedfs application's PackageSource without `install`: no system release has a schema to meet.
      expect([...schemas]).toEqual(['system/seaweedfs-db']);
      expect(checked).toBe(0);
    });
  }
});

// The v1 platform chart model (lib/releases/v1) against what real helm rendered of the upstream
// chart: every case recorded by scripts/record-renders.ts in releases/<tag>/renders/, for both
// pinned v1 tags. Values are merged as helm merges them (values.yaml, values-<variant>.yaml, the
// case's Package values); the function must give the same objects, in the same order, with the
// same content, or refuse where helm refused. Nothing outside the repository is read.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import jsyaml from 'js-yaml';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { Values } from '../lib/core/values.js';
import {
  ChartTemplateError,
  mergeHelmValues,
  PLATFORM_CHART_RELEASES,
  PlatformChartError,
  renderPlatformChart,
  type PackageSourceFile,
  type PlatformChartFiles,
  type PlatformChartInput,
  type PlatformChartLookups,
  type PlatformChartObject,
  type PlatformTemplate,
} from '../lib/releases/v1/index.js';

const REPO = resolve(import.meta.dirname, '..');
const TAGS = ['v1.6.0', 'v1.6.2'] as const;
/** What the recordings were made with (releases/<tag>/renders/README.md). */
const API_VERSIONS = ['admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy'];

/**
 * Objects the model does not reproduce, with the reason. Empty: every recorded object matches.
 * (The recordings lack templates/repository.yaml, removed before rendering because its lookup
 * fails offline; the model is run without it too: `omitTemplates`.)
 */
const EXCLUSIONS: readonly { tag: string; caseId: string; object: string; why: string }[] = [];

interface CaseIndex {
  tag: string;
  cases: { id: string; variant: string; name: string; outcome: 'rendered' | 'error'; removedTemplates: PlatformTemplate[]; lookups?: PlatformChartLookups }[];
}

/** helm and the Kubernetes API read YAML 1.1 (sigs.k8s.io/yaml): so does the test. */
const YAML_1_1 = { version: '1.1' } as const;
const parse = (text: string): unknown => parseYaml(text, YAML_1_1);
const docs = (text: string): Values[] =>
  parseAllDocuments(text, YAML_1_1)
    .map((d) => d.toJS() as Values | null)
    .filter((d): d is Values => d !== null && d !== undefined);

/**
 * A render, read fast: js-yaml (YAML 1.2 core schema, several times faster than the yaml package
 * on these 100 kB files). It reads like YAML 1.1 except for plain scalars 1.1 gives another type
 * (yes/no/on/off/y/n, 0755, 1:30); a render with one of those is refused, so the shortcut can
 * never change what a render means.
 */
const ONLY_1_1 = /(?:^|[\s:-])(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-7]+|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?)\s*$/m;
function renderDocs(text: string): Values[] {
  const hit = text.split('\n').find((l) => !/^\s*#/.test(l) && /(?::|^\s*-)\s+\S/.test(l) && ONLY_1_1.test(l.replace(/^\s*-\s+/, ' ').replace(/^[^:]*:\s+/, ' ')));
  expect(hit, 'a plain scalar whose YAML 1.1 and 1.2 readings differ: read this render with the yaml package (version 1.1)').toBeUndefined();
  return (jsyaml.loadAll(text) as (Values | null | undefined)[]).filter((d): d is Values => d !== null && d !== undefined);
}

function release(tag: string): { defaults: Values; variant: (v: string) => Values; sources: PackageSourceFile[]; files: PlatformChartFiles; index: CaseIndex; dir: string } {
  const up = join(REPO, 'releases', tag, 'upstream', 'packages', 'core', 'platform');
  const renders = join(REPO, 'releases', tag, 'renders');
  const sources = readdirSync(join(up, 'sources'))
    .filter((f) => f.endsWith('.yaml'))
    .map((file) => ({ file, documents: docs(readFileSync(join(up, 'sources', file), 'utf8')) }));
  return {
    defaults: parse(readFileSync(join(up, 'values.yaml'), 'utf8')) as Values,
    variant: (v) => parse(readFileSync(join(up, `values-${v}.yaml`), 'utf8')) as Values,
    sources,
    files: {
      gpuPassthroughDefaults: parse(readFileSync(join(renders, 'chart-files', 'gpu-passthrough-defaults.yaml'), 'utf8')) as Values,
      gpuVgpuDefaults: parse(readFileSync(join(renders, 'chart-files', 'gpu-vgpu-defaults.yaml'), 'utf8')) as Values,
    },
    index: JSON.parse(readFileSync(join(renders, 'cases.json'), 'utf8')) as CaseIndex,
    dir: renders,
  };
}

const keyOf = (o: PlatformChartObject | Values): string => {
  const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(o.kind)}/${m.namespace ?? ''}/${m.name ?? ''}`;
};

const stats = { cases: 0, rendered: 0, refused: 0, objects: 0, matched: 0 };

for (const tag of TAGS) {
  const r = release(tag);
  const chart = PLATFORM_CHART_RELEASES[tag];

  describe(`platform chart ${tag}: the model equals helm's render`, () => {
    it('has recordings for every variant, at least six rendered cases each, and some refusals', () => {
      for (const variant of ['isp-full', 'isp-hosted', 'isp-full-generic']) {
        expect(r.index.cases.filter((c) => c.variant === variant && c.outcome === 'rendered').length).toBeGreaterThanOrEqual(6);
      }
      expect(r.index.cases.some((c) => c.outcome === 'error')).toBe(true);
    });

    for (const c of r.index.cases) {
      it(`${c.id} (${c.outcome})`, () => {
        const caseValues = (parse(readFileSync(join(r.dir, c.id, 'values.yaml'), 'utf8')) ?? {}) as Values;
        const input: PlatformChartInput = {
          release: chart,
          values: mergeHelmValues(r.defaults, r.variant(c.variant), caseValues),
          sources: r.sources,
          files: r.files,
          apiVersions: API_VERSIONS,
          // As recorded: the templates removed before rendering, the lookups answered.
          omitTemplates: c.removedTemplates,
          lookups: c.lookups ?? {},
        };
        stats.cases++;
        if (c.outcome === 'error') {
          stats.refused++;
          const helmError = readFileSync(join(r.dir, c.id, 'error.txt'), 'utf8');
          let thrown: unknown;
          try {
            renderPlatformChart(input);
          } catch (e) {
            thrown = e;
          }
          expect(thrown, 'helm refused this case; the model must too').toBeInstanceOf(Error);
          const err = thrown as PlatformChartError | ChartTemplateError;
          // Same template, same meaning: a fail names what helm's message names (setting or object); a template
          // error gives helm's own reason.
          expect(helmError).toContain(`${chart.chartName}/${err.template}:`);
          if (err instanceof PlatformChartError) expect(helmError).toContain(err.subject);
          else expect(helmError).toContain(err.message);
          return;
        }
        stats.rendered++;
        const expected = renderDocs(readFileSync(join(r.dir, c.id, 'rendered.yaml'), 'utf8'));
        const excluded = new Set(EXCLUSIONS.filter((x) => x.tag === tag && x.caseId === c.id).map((x) => x.object));
        const want = expected.filter((o) => !excluded.has(keyOf(o)));
        const got = renderPlatformChart(input).filter((o) => !excluded.has(keyOf(o)));
        // Same objects in the same order ...
        expect(got.map(keyOf)).toEqual(want.map(keyOf));
        // ... each with the same content.
        for (let i = 0; i < want.length; i++) expect(got[i], keyOf(want[i]!)).toStrictEqual(want[i]);
        stats.objects += want.length;
        stats.matched += want.length;
      });
    }
  });
}

describe('platform chart: lookups and capabilities as inputs (unit checks beside the recordings)', () => {
  const r = release('v1.6.2');
  const base = (values: Values, lookups: PlatformChartInput['lookups'] = {}): PlatformChartInput => ({
    release: PLATFORM_CHART_RELEASES['v1.6.2'],
    values: mergeHelmValues(r.defaults, r.variant('isp-full-generic'), values),
    sources: r.sources,
    files: r.files,
    apiVersions: API_VERSIONS,
    lookups,
  });

  it('without the platform source on the cluster, templates/repository.yaml refuses (why the recordings remove it)', () => {
    expect(() => renderPlatformChart(base({}))).toThrow(PlatformChartError);
  });

  it('with the platform source, cozystack-packages copies its spec', () => {
    const spec = { interval: '5m', url: 'oci://ghcr.io/cozystack/cozystack/cozystack-packages', ref: { digest: 'sha256:0' } };
    const out = renderPlatformChart(base({}, { platformSource: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'cozystack-platform' }, spec } }));
    const repo = out.find((o) => o.kind === 'OCIRepository');
    expect(repo).toEqual({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'cozystack-packages', namespace: 'cozy-system', labels: { 'platform.cozystack.io/no-delete': 'true' } }, spec });
    // OCIRepository sorts before Package (kinds helm does not know go by name).
    expect(out.findIndex((o) => o.kind === 'OCIRepository')).toBeLessThan(out.findIndex((o) => o.kind === 'Package'));
  });

  const withSource = { platformSource: { spec: { url: 'oci://example' } } };

  it('the legacy cozystack ConfigMap gives root-host, the API endpoint and the CIDRs', () => {
    const cm = { data: { 'root-host': 'legacy.example', 'api-server-endpoint': 'https://10.1.1.1:7443', 'ipv4-pod-cidr': '10.50.0.0/16' } };
    const out = renderPlatformChart(base({}, { ...withSource, cozystackConfigMap: cm }));
    const secret = out.find((o) => o.kind === 'Secret')!;
    expect((secret.stringData as Values)['values.yaml']).toContain('  root-host: "legacy.example"\n');
    const net = out.find((o) => o.metadata.name === 'cozystack.networking')!;
    const comps = (net.spec as { components: Record<string, { values: Record<string, Record<string, unknown>> }> }).components;
    expect(comps.cilium!.values.cilium).toMatchObject({ k8sServiceHost: '10.1.1.1', k8sServicePort: '7443' });
    expect((comps.kubeovn!.values['kube-ovn']!.ipv4 as Values).POD_CIDR).toBe('10.50.0.0/16');
  });

  it('kube-root-ca.crt gives _cluster.kube-root-ca (base64)', () => {
    const out = renderPlatformChart(base({}, { ...withSource, kubeRootCa: { data: { 'ca.crt': 'PEM' } } }));
    expect(((out.find((o) => o.kind === 'Secret')!.stringData as Values)['values.yaml'] as string).endsWith('  kube-root-ca: "UEVN"\n')).toBe(true);
  });

  it('an existing cozystack-version below the target: no version ConfigMap, the migration hook (hooks last)', () => {
    const out = renderPlatformChart(base({}, { ...withSource, versionConfigMap: { data: { version: '50' } } }));
    expect(out.some((o) => o.metadata.name === 'cozystack-version')).toBe(false);
    expect(out.slice(-3).map((o) => o.kind)).toEqual(['ServiceAccount', 'ClusterRoleBinding', 'Job']);
    const job = out.at(-1)!;
    expect(JSON.stringify(job)).toContain('"CURRENT_VERSION","value":"50"');
    const atTarget = renderPlatformChart(base({}, { ...withSource, versionConfigMap: { data: { version: '54' } } }));
    expect(atTarget.some((o) => o.kind === 'Job')).toBe(false);
  });

  it('proxyProtocol turned off while the ouroboros Package exists: refused unless acknowledged', () => {
    const lookups = { ...withSource, ouroborosPackage: { metadata: { name: 'cozystack.ouroboros' } } };
    expect(() => renderPlatformChart(base({}, lookups))).toThrow(PlatformChartError);
    expect(() => renderPlatformChart(base({ publishing: { proxyProtocolAcknowledgeUnclean: true } }, lookups))).not.toThrow();
    expect(() => renderPlatformChart(base({ publishing: { proxyProtocol: true } }, lookups))).not.toThrow();
  });

  it('without the guardrail API version, no ValidatingAdmissionPolicy', () => {
    const out = renderPlatformChart({ ...base({}, withSource), apiVersions: [] });
    expect(out.some((o) => o.kind.startsWith('ValidatingAdmissionPolicy'))).toBe(false);
  });
});

describe('platform chart: coverage of the recordings', () => {
  it('every recorded object is reproduced (no exclusions)', () => {
    expect(EXCLUSIONS).toEqual([]);
    // Printed for the report: cases, rendered, refused, objects compared.
    console.log(`platform-chart: ${stats.cases} cases (${stats.rendered} rendered, ${stats.refused} refused), ${stats.matched}/${stats.objects} objects equal`);
  });
});

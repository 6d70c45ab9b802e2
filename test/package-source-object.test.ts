// lib/renderings/package-source.ts (the PackageSource construct and its ArtifactGenerator) on the
// real PackageSources of v1.6.2 (releases/v1.6.2/upstream/packages/core/platform/sources/): the
// object the construct writes for each is the upstream object itself. The ArtifactGenerator is
// what the upstream operator makes of a PackageSource (the source.extensions.fluxcd.io/v1beta1
// CRD of releases/v1.6.2/crds/flux): one artifact per component of every variant, named
// `<packagesource>-<variant>-<component>` with dots as dashes (the chartRef names of the upstream
// resource definitions, e.g. packages/system/bucket-rd/cozyrds/bucket.yaml), copying the chart
// folder, the variant libraries it names into `charts/<library>/`, and its values files into
// `values.yaml` (the first overwrites, the next ones merge), under `packages/` of a Git source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CozystackValidationError } from '../lib/core/errors.js';
import { PackageSource, type PackageSourceProps } from '../lib/renderings/package-source.js';

const DIR = join(import.meta.dirname, '..', 'releases', 'v1.6.2', 'upstream', 'packages', 'core', 'platform', 'sources');
type Upstream = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec: Pick<PackageSourceProps, 'sourceRef' | 'variants'> };
const UPSTREAM: Upstream[] = readdirSync(DIR).sort().flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Upstream).filter((o) => o?.kind === 'PackageSource'));
const byName = (n: string): Upstream => UPSTREAM.find((o) => o.metadata.name === n)!;

const build = (props: PackageSourceProps): Record<string, unknown>[] => {
  const chart = new Chart(new App(), 'c');
  new PackageSource(chart, 'ps', props);
  return chart.toJson() as Record<string, unknown>[];
};
const fromUpstream = (o: Upstream, more: Partial<PackageSourceProps> = {}): PackageSourceProps => ({
  name: o.metadata.name,
  sourceRef: o.spec.sourceRef,
  variants: o.spec.variants,
  ...(o.metadata.annotations ? { annotations: o.metadata.annotations } : {}),
  ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
  ...more,
});
const generator = (objects: Record<string, unknown>[]) => objects.find((o) => o.kind === 'ArtifactGenerator') as
  | { metadata: Record<string, unknown>; spec: { sources: unknown[]; artifacts: { name: string; copy: { from: string; to: string; strategy?: string }[] }[] } }
  | undefined;
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CozystackValidationError)) throw e;
    return e.problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected a CozystackValidationError');
};

describe('PackageSource objects', () => {
  // Empty lists are left out on both sides (upstream writes cozystack-engine's `install.dependsOn: []` and
  // leaves out the components of a variant with none; the library writes the first not, the second as []): the same to the operator.
  const noEmptyLists = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(noEmptyLists) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([, v]) => !(Array.isArray(v) && v.length === 0)).map(([k, v]) => [k, noEmptyLists(v)])) : x;

  it('writes each of the 98 upstream PackageSources of v1.6.2 as upstream has it', () => {
    expect(UPSTREAM).toHaveLength(98);
    for (const o of UPSTREAM) {
      const objects = build(fromUpstream(o));
      expect(noEmptyLists(objects), o.metadata.name).toEqual([noEmptyLists(o)]);
    }
  });

  it('defaults the source path to the artifact root /, and leaves empty lists and maps out', () => {
    const [o] = build({
      name: 'cozystack.x',
      sourceRef: { kind: 'OCIRepository', name: 'cozystack-packages', namespace: 'cozy-system' },
      variants: [{ name: 'default', dependsOn: [], libraries: [], components: [{ name: 'x', path: 'system/x', libraries: [], valuesFiles: [], install: { namespace: 'cozy-x', dependsOn: [] } }] }],
      labels: {},
      annotations: {},
    }) as [{ metadata: unknown; spec: unknown }];
    expect(o.metadata).toEqual({ name: 'cozystack.x' });
    expect(o.spec).toEqual({
      sourceRef: { kind: 'OCIRepository', name: 'cozystack-packages', namespace: 'cozy-system', path: '/' },
      variants: [{ name: 'default', components: [{ name: 'x', path: 'system/x', install: { namespace: 'cozy-x' } }] }],
    });
  });

  it('exposes its name and the ExternalArtifact names of its components', () => {
    const chart = new Chart(new App(), 'c');
    const ps = new PackageSource(chart, 'ps', fromUpstream(byName('cozystack.bucket-application')));
    expect(ps.name).toBe('cozystack.bucket-application');
    expect(ps.artifactName('default', 'bucket')).toBe('cozystack-bucket-application-default-bucket');
  });

  it('refuses an invalid name, no variants, a variant twice, an invalid component name and an unknown install dependency', () => {
    const ref = { kind: 'OCIRepository', name: 'cozystack-packages', namespace: 'cozy-system' } as const;
    expect(problems(() => build({ name: 'Cozystack.X', sourceRef: ref, variants: [] }))).toEqual([
      "name [invalid-name] 'Cozystack.X' is not a valid object name",
      'variants [required] expected at least one variant',
    ]);
    for (const bad of ['-x', 'x-', '.x', 'x.', 'a_b', `${'a'.repeat(254)}`, '']) expect(problems(() => build({ name: bad, sourceRef: ref, variants: [{ name: 'd', components: [] }] })), bad).toHaveLength(1);
    for (const ok of ['x', 'cozystack.x-y', 'a'.repeat(253), '0']) expect(() => build({ name: ok, sourceRef: ref, variants: [{ name: 'd', components: [] }] }), ok).not.toThrow();
    expect(problems(() => build({
      name: 'cozystack.x',
      sourceRef: ref,
      variants: [
        { name: 'default', components: [{ name: 'X', path: 'system/x' }, { name: 'y', path: 'system/y', install: { namespace: 'n', dependsOn: ['X', 'z'] } }] },
        { name: 'default', components: [] },
      ],
    }))).toEqual([
      "variants[0].components[0].name [invalid-name] 'X' is not a valid component name",
      "variants[0].components[1].install.dependsOn [unknown-dependency] 'z' is not a component of variant default",
      "variants[1].name [duplicate-variant] variant 'default' is defined twice",
    ]);
  });
});

describe('the ArtifactGenerator of a PackageSource', () => {
  it('is written only when asked for', () => {
    expect(generator(build(fromUpstream(byName('cozystack.gpu-operator'))))).toBeUndefined();
    expect(generator(build(fromUpstream(byName('cozystack.gpu-operator'), { artifactGenerator: false })))).toBeUndefined();
  });

  it('gpu-operator: one artifact per variant, values files overwritten then merged, in cozy-system', () => {
    const g = generator(build(fromUpstream(byName('cozystack.gpu-operator'), { artifactGenerator: true })))!;
    expect(g.metadata).toEqual({ name: 'cozystack.gpu-operator', namespace: 'cozy-system', labels: { 'cozystack.io/packagesource': 'cozystack.gpu-operator' } });
    expect(g.spec.sources).toEqual([{ alias: 'cozystack-packages', kind: 'OCIRepository', name: 'cozystack-packages', namespace: 'cozy-system' }]);
    expect(g.spec.artifacts).toEqual(['default', 'vgpu', 'container'].map((v) => ({
      name: `cozystack-gpu-operator-${v}-gpu-operator`,
      copy: [
        { from: '@cozystack-packages/system/gpu-operator/**', to: '@artifact/gpu-operator/' },
        { from: '@cozystack-packages/system/gpu-operator/values.yaml', to: '@artifact/gpu-operator/values.yaml', strategy: 'Overwrite' },
        { from: `@cozystack-packages/system/gpu-operator/values-${v === 'default' ? 'passthrough' : v}.yaml`, to: '@artifact/gpu-operator/values.yaml', strategy: 'Merge' },
      ],
    })));
  });

  it('bucket: the libraries a component names go to its charts/, others are left out; artifact names as the resource definition references them', () => {
    const g = generator(build(fromUpstream(byName('cozystack.bucket-application'), { artifactGenerator: true })))!;
    const rd = parseAllDocuments(readFileSync(join(DIR, '..', '..', '..', 'system', 'bucket-rd', 'cozyrds', 'bucket.yaml'), 'utf8'))[0]!.toJS() as { spec: { release: { chartRef: { name: string } } } };
    expect(g.spec.artifacts.map((a) => a.name)).toContain(rd.spec.release.chartRef.name);
    expect(g.spec.artifacts).toEqual([
      { name: 'cozystack-bucket-application-default-bucket-system', copy: [{ from: '@cozystack-packages/system/bucket/**', to: '@artifact/bucket/' }] },
      {
        name: 'cozystack-bucket-application-default-bucket',
        copy: [
          { from: '@cozystack-packages/apps/bucket/**', to: '@artifact/bucket/' },
          { from: '@cozystack-packages/library/cozy-lib/**', to: '@artifact/bucket/charts/cozy-lib/' },
        ],
      },
      { name: 'cozystack-bucket-application-default-bucket-rd', copy: [{ from: '@cozystack-packages/system/bucket-rd/**', to: '@artifact/bucket-rd/' }] },
    ]);
  });

  it('a Git source: paths under packages/ unless the source names its path; a library named by its last segment; nothing for components without a path', () => {
    const props = (path?: string): PackageSourceProps => ({
      name: 'cozystack.x',
      sourceRef: { kind: 'GitRepository', name: 'cozystack', namespace: 'cozy-system', ...(path !== undefined ? { path } : {}) },
      variants: [{ name: 'v.1', libraries: [{ path: 'library/cozy-lib/' }, { name: 'other', path: 'library/other' }], components: [{ name: 'x', path: '/apps/x/', libraries: ['cozy-lib', 'missing'], valuesFiles: ['a.yaml', 'b.yaml', 'c.yaml'] }, { name: 'y', path: '' }] }],
      artifactGenerator: true,
    });
    expect(generator(build(props()))!.spec.artifacts).toEqual([{
      name: 'cozystack-x-v-1-x',
      copy: [
        { from: '@cozystack/packages/apps/x/**', to: '@artifact/x/' },
        { from: '@cozystack/packages/library/cozy-lib/**', to: '@artifact/x/charts/cozy-lib/' },
        { from: '@cozystack/packages/apps/x/a.yaml', to: '@artifact/x/values.yaml', strategy: 'Overwrite' },
        { from: '@cozystack/packages/apps/x/b.yaml', to: '@artifact/x/values.yaml', strategy: 'Merge' },
        { from: '@cozystack/packages/apps/x/c.yaml', to: '@artifact/x/values.yaml', strategy: 'Merge' },
      ],
    }]);
    expect(generator(build(props('/charts')))!.spec.artifacts[0]!.copy[0]).toEqual({ from: '@cozystack/charts/apps/x/**', to: '@artifact/x/' });
    expect(generator(build(props('')))!.spec.artifacts[0]!.copy[0]).toEqual({ from: '@cozystack/apps/x/**', to: '@artifact/x/' });
  });

  it('an OCI source without a path: paths from the artifact root', () => {
    const g = generator(build({ name: 'cozystack.x', sourceRef: { kind: 'OCIRepository', name: 'cozystack-packages', namespace: 'cozy-system' }, variants: [{ name: 'default', components: [{ name: 'x', path: 'system/x' }] }], artifactGenerator: true }))!;
    expect(g.spec.artifacts).toEqual([{ name: 'cozystack-x-default-x', copy: [{ from: '@cozystack-packages/system/x/**', to: '@artifact/x/' }] }]);
  });

  it('names the PackageSource by its construct path in its problems', () => {
    try {
      build({ name: 'Bad', sourceRef: { kind: 'OCIRepository', name: 's', namespace: 'cozy-system' }, variants: [{ name: 'd', components: [] }] });
      expect.unreachable();
    } catch (e) {
      expect((e as CozystackValidationError).problems.map((p) => p.subject)).toEqual(['PackageSource c/ps']);
    }
  });

  it('is left out when no component has a chart folder', () => {
    expect(generator(build({ name: 'cozystack.x', sourceRef: { kind: 'OCIRepository', name: 's', namespace: 'cozy-system' }, variants: [{ name: 'default', components: [{ name: 'x', path: '' }] }], artifactGenerator: true }))).toBeUndefined();
  });
});

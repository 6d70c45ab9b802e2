// A v1.x platform against the upstream platform chart as real helm rendered it: for every case
// recorded by scripts/record-renders.ts (releases/<tag>/renders/, values as the platform Package
// carries them), a Platform in operator mode with the same variant and `platformValues` emits
// exactly the objects helm printed, plus the installer's and the CRDs; a case helm refuses is
// refused at synth. The expectations are helm's output, never this library's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { App } from 'cdk8s';
import { Bundle, type ClusterStateProps, collectObjects, CozystackValidationError, type KubeObject, Platform, type PlatformChartValues, type PlatformVariant } from '../lib/index.js';
import { releaseDir } from './support/reference.js';

interface Lookup { data?: Record<string, string> }
interface Case { id: string; variant: PlatformVariant; outcome: 'rendered' | 'error'; removedTemplates: string[]; lookups?: { kubeRootCa?: Lookup; cozystackConfigMap?: Lookup; versionConfigMap?: Lookup; ouroborosPackage?: unknown; platformSource?: unknown } }

/** The case's look-up answers as the clusterState setting. */
function clusterStateOf(c: Case): ClusterStateProps | undefined {
  const l = c.lookups;
  if (!l) return undefined;
  return {
    ...(l.kubeRootCa?.data?.['ca.crt'] !== undefined ? { kubeRootCa: l.kubeRootCa.data['ca.crt'] } : {}),
    ...(l.cozystackConfigMap?.data ? { legacyConfig: l.cozystackConfigMap.data } : {}),
    ...(l.versionConfigMap?.data?.version !== undefined ? { installedDataVersion: Number(l.versionConfigMap.data.version) } : {}),
    ...(l.ouroborosPackage ? { ouroborosInstalled: true } : {}),
  };
}

const VERSIONS = { 'v1.6.0': '1.6.0', 'v1.6.2': '1.6.2' } as const;
/** What the library adds to an object Git owns (lib/renderings/platform-packages.ts, documented). */
const OWNERSHIP = ['kustomize.toolkit.fluxcd.io/prune', 'kustomize.toolkit.fluxcd.io/ssa'];
/** Objects of the output that are not the platform chart's: the installer's, the CRDs and the tenants'. */
const NOT_THE_CHART = (o: KubeObject): boolean =>
  o.kind === 'CustomResourceDefinition' ||
  (o.metadata.namespace ?? '').startsWith('tenant-') ||
  (o.kind === 'Namespace' && o.metadata.name.startsWith('tenant-')) ||
  (o.kind === 'CiliumClusterwideNetworkPolicy' && o.metadata.name.startsWith('tenant-')) ||
  (o.kind === 'Namespace' && o.metadata.name === 'cozy-system') ||
  (o.kind === 'ServiceAccount' && o.metadata.name === 'cozystack') ||
  (o.kind === 'ClusterRoleBinding' && o.metadata.name === 'cozystack') ||
  (o.kind === 'Deployment' && o.metadata.name === 'cozystack-operator');

function platformOf(tag: keyof typeof VERSIONS, c: Case, values: PlatformChartValues, mode: 'operator' | 'flux' = 'operator'): KubeObject[] {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const platform = new Platform(app, 'platform', {
    bundle: c.variant === 'isp-hosted' ? Bundle.PAAS_HOSTED : Bundle.PAAS_FULL,
    version: VERSIONS[tag],
    variant: c.variant,
    mode,
    platformValues: values,
    ...(clusterStateOf(c) ? { clusterState: clusterStateOf(c) } : {}),
    // isp-full-generic names how the operator reaches the API server (there is no KubePrism); the chart's objects do not depend on it.
    ...(c.variant === 'isp-full-generic' ? { operator: { variant: 'hosted' as const } } : {}),
  });
  // The ingress that publishes must be a tenant's (the library checks the tree): make the one the case names.
  const ingress = values.publishing?.ingressName;
  if (typeof ingress === 'string' && ingress.startsWith('tenant-') && ingress !== 'tenant-root') platform.rootTenant.addTenant(ingress.slice('tenant-'.length), { ingress: true });
  return collectObjects(app);
}

function withoutOwnership(o: KubeObject): KubeObject {
  const annotations = { ...((o.metadata.annotations ?? {}) as Record<string, string>) };
  for (const k of OWNERSHIP) delete annotations[k];
  const metadata = { ...o.metadata, annotations };
  if (!Object.keys(annotations).length) delete (metadata as { annotations?: unknown }).annotations;
  return JSON.parse(JSON.stringify({ ...o, metadata })) as KubeObject;
}

const key = (o: { kind?: unknown; metadata?: { name?: string; namespace?: string } }): string => `${String(o.kind)}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

for (const tag of Object.keys(VERSIONS) as (keyof typeof VERSIONS)[]) {
  const dir = join(releaseDir(tag), 'renders');
  // Every recorded case: those with look-up answers get them as clusterState; templates/repository.yaml
  // (left out of most recordings) renders cozystack-packages from the source setting, set aside below.
  const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter(
    (c) => c.removedTemplates.every((t) => t === 'templates/repository.yaml'),
  );
  const valuesOf = (c: Case): PlatformChartValues => (parseYaml(readFileSync(join(dir, c.id, 'values.yaml'), 'utf8'), { version: '1.1' }) ?? {}) as PlatformChartValues;

  describe(`Cozystack ${tag}: operator mode emits what helm renders of the platform chart`, () => {
    it('covers every variant with at least six rendered cases', () => {
      for (const v of ['isp-full', 'isp-hosted', 'isp-full-generic']) expect(cases.filter((c) => c.variant === v && c.outcome === 'rendered').length).toBeGreaterThanOrEqual(6);
    });

    for (const c of cases.filter((x) => x.outcome === 'rendered')) {
      it(`${c.id}: object for object`, () => {
        const expected = (jsyaml.loadAll(readFileSync(join(dir, c.id, 'rendered.yaml'), 'utf8')) as KubeObject[]).filter((d) => d && !(d.kind === 'OCIRepository' && d.metadata.name === 'cozystack-packages'));
        const objects = platformOf(tag, c, valuesOf(c));
        // templates/repository.yaml was left out of the recording (offline it cannot look the source up): its one object aside.
        const chart = objects.filter((o) => !NOT_THE_CHART(o) && !(o.kind === 'OCIRepository' && o.metadata.name === 'cozystack-packages'));
        expect(chart.map(key).sort()).toEqual(expected.map(key).sort());
        const byKey = new Map(expected.map((o) => [key(o), o]));
        // A field helm prints as null (`stringData: null` of an empty registries Secret) is no field to the API server; cdk8s leaves it out.
        const asApplied = (o: KubeObject): KubeObject => JSON.parse(JSON.stringify(o, (_k, v: unknown) => (v === null ? undefined : v))) as KubeObject;
        for (const o of chart) expect(withoutOwnership(o), key(o)).toEqual(asApplied(byKey.get(key(o))!));
      });
    }

    // helm refuses the unmodified chart offline only because templates/repository.yaml looks up the
    // platform source; the library answers that look-up with the source setting, so it renders.
    const offlineOnly = (c: Case): boolean => c.outcome === 'error' && c.removedTemplates.length === 0 && !c.lookups?.platformSource;
    for (const c of cases.filter(offlineOnly)) {
      it(`${c.id}: helm refuses it offline (no platform source to look up); with the source setting as the answer it renders`, () => {
        expect(readFileSync(join(dir, c.id, 'error.txt'), 'utf8')).toMatch(/cozystack-platform/);
        const packages = platformOf(tag, c, valuesOf(c)).find((o) => o.kind === 'OCIRepository' && o.metadata.name === 'cozystack-packages')!;
        expect(packages.spec).toMatchObject({ url: 'oci://ghcr.io/cozystack/cozystack/cozystack-packages', ref: { tag: tag } });
      });
    }

    for (const c of cases.filter((x) => x.outcome === 'error' && !offlineOnly(x))) {
      it(`${c.id}: refused at synth, as helm refuses it`, () => {
        let error: unknown;
        try {
          platformOf(tag, c, valuesOf(c));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CozystackValidationError);
      });
    }
  });
}

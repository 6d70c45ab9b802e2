// Flux mode at v1.6.2: what the output writes in place of the operator, object by object, with the
// expectations taken from helm's recorded render of the platform chart
// (releases/v1.6.2/renders/isp-full.defaults/) and the operator's rules at the tag (upstream
// cozystack/cozystack v1.6.2 internal/operator/package_reconciler.go: the Package controller's
// HelmReleases and namespaces, and its CozyValuesReplicator), applied by hand to the recorded
// PackageSources and Packages. Built inside each test, so mutation
// testing sees which test covers what (docs/testing.md).
import { Testing } from 'cdk8s';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Bundle, Platform } from '../lib/index.js';
import { collectObjects } from '../lib/synthesis/synthesize.js';
import { recordedRender, releaseDir } from './support/reference.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };
/* eslint-enable @typescript-eslint/no-explicit-any */
interface Install { namespace: string; releaseName?: string; privileged?: boolean; upgradeCRDs?: string }
interface Component { name: string; valuesFiles?: string[]; install?: Install }
interface Source { metadata: { name: string; annotations?: Record<string, string> }; spec: { variants: { name: string; components: Component[] }[] } }

const CASE = join(releaseDir('v1.6.2'), 'renders', 'isp-full.defaults');
const recorded = (caseId = 'isp-full.defaults'): Obj[] => recordedRender<Obj>('v1.6.2', caseId);
const KEY = (o: Obj): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
const SSA = 'kustomize.toolkit.fluxcd.io/ssa';

/** The Platform of the recorded case, in flux mode: its objects. */
function output(dir = CASE, mode: 'flux' | 'operator' = 'flux'): Obj[] {
  const app = Testing.app();
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, version: '1.6.2', variant: 'isp-full', platformValues: values, mode });
  return collectObjects(app) as unknown as Obj[];
}

/** The component of a recorded PackageSource a HelmRelease was made for (by its chartRef artifact, `<source>-<variant>-<component>` with dots to dashes). */
function componentOf(sources: Source[], artifact: string): { source: Source; component: Component } {
  for (const source of sources) {
    for (const v of source.spec.variants) {
      for (const c of v.components) if (`${source.metadata.name}-${v.name}-${c.name}`.replace(/\./g, '-') === artifact) return { source, component: c };
    }
  }
  throw new Error(`no recorded PackageSource component for the artifact ${artifact}`);
}

describe('flux mode at 1.6.2: the HelmReleases the Package controller would make', () => {
  it('each component release carries the labels, annotation, strategy, CRD policy and values Secret of its PackageSource component', () => {
    const rec = recorded();
    const sources = rec.filter((o) => o.kind === 'PackageSource') as unknown as Source[];
    const packages = new Map(rec.filter((o) => o.kind === 'Package').map((p) => [p.metadata.name, p]));
    const releases = output().filter((o) => o.kind === 'HelmRelease' && o.metadata.labels?.['cozystack.io/package'] !== undefined);
    expect(releases.length).toBeGreaterThan(30);
    const seen = { privileged: 0, plain: 0, valuesFiles: 0, noValuesFiles: 0, crds: 0, skip: 0, values: 0 };
    for (const hr of releases) {
      const { source, component } = componentOf(sources, hr.spec.chartRef.name);
      const install = component.install!;
      const pkg = hr.metadata.labels!['cozystack.io/package']!;
      const at = `${KEY(hr)} (${source.metadata.name}/${component.name})`;
      expect(pkg, at).toBe(source.metadata.name);
      expect(packages.has(pkg), at).toBe(true);
      expect(hr.metadata.name, at).toBe(install.releaseName ?? component.name);
      expect(hr.metadata.namespace, at).toBe(install.namespace);
      // labels: the package, and privileged when install.privileged.
      expect(hr.metadata.labels, at).toEqual({ 'cozystack.io/package': pkg, ...(install.privileged ? { 'cozystack.io/privileged': 'true' } : {}) });
      seen[install.privileged ? 'privileged' : 'plain']++;
      // The values files, comma-joined, when the component lists any.
      if (component.valuesFiles?.length) {
        expect(hr.metadata.annotations, at).toEqual({ 'cozyhr.cozystack.io/values-files': component.valuesFiles.join(',') });
        seen.valuesFiles++;
      } else {
        expect(hr.metadata.annotations, at).toBeUndefined();
        seen.noValuesFiles++;
      }
      const strategy = { name: 'RetryOnFailure', retryInterval: '30s' };
      expect(hr.spec.chartRef, at).toEqual({ kind: 'ExternalArtifact', name: hr.spec.chartRef.name, namespace: 'cozy-system' });
      expect(hr.spec.interval, at).toBe('5m');
      expect(hr.spec.maxHistory, at).toBe(5);
      expect(hr.spec.install, at).toEqual({ timeout: '10m', strategy });
      expect(hr.spec.upgrade, at).toEqual({ timeout: '10m', strategy, ...(install.upgradeCRDs ? { crds: install.upgradeCRDs } : {}) });
      if (install.upgradeCRDs) seen.crds++;
      // valuesFrom the cozystack-values Secret unless the PackageSource skips it.
      if (source.metadata.annotations?.['operator.cozystack.io/skip-cozystack-values'] === 'true') {
        expect(hr.spec.valuesFrom, at).toBeUndefined();
        seen.skip++;
      } else expect(hr.spec.valuesFrom, at).toEqual([{ kind: 'Secret', name: 'cozystack-values' }]);
      // values: the Package's values of the component, verbatim.
      const given = packages.get(pkg)!.spec?.components?.[component.name]?.values;
      expect(hr.spec.values, at).toEqual(given);
      if (given !== undefined) seen.values++;
    }
    // Every case of the rules above happens in this render, but a PackageSource that skips the
    // values Secret: only cozystack.monitoring has that annotation, and no recorded case renders its Package.
    for (const [k, n] of Object.entries(seen)) if (k !== 'skip') expect(n, k).toBeGreaterThan(0);
  });
});

describe('flux mode at 1.6.2: namespaces and the replicated values Secret', () => {
  it('cozy-system is privileged; every system namespace gets a copy of cozy-system/cozystack-values, as the CozyValuesReplicator makes it', () => {
    const chartSecret = recorded().find((o) => o.kind === 'Secret' && o.metadata.name === 'cozystack-values')!;
    const objects = output();
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    const system = namespaces.find((n) => n.metadata.name === 'cozy-system')!;
    expect(system.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const others = namespaces.filter((n) => n.metadata.name !== 'cozy-system' && !n.metadata.name.startsWith('tenant-'));
    expect(others.length).toBeGreaterThan(20);
    for (const ns of others) {
      expect(ns.metadata.labels?.['cozystack.io/system'], ns.metadata.name).toBe('true');
      const copy = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'cozystack-values' && o.metadata.namespace === ns.metadata.name);
      expect(copy, ns.metadata.name).toBeDefined();
      expect(copy!.metadata.labels, ns.metadata.name).toEqual(chartSecret.metadata.labels);
      expect(copy!.type, ns.metadata.name).toBe(chartSecret.type);
      expect(parse(copy!.stringData['values.yaml']), ns.metadata.name).toEqual(parse(chartSecret.stringData['values.yaml']));
    }
  });

  it('a namespace of a privileged component is privileged, one of none is not', () => {
    const objects = output();
    const ns = (name: string) => objects.find((o) => o.kind === 'Namespace' && o.metadata.name === name)!;
    const releases = objects.filter((o) => o.kind === 'HelmRelease' && o.metadata.labels?.['cozystack.io/package'] !== undefined);
    const privileged = new Set(releases.filter((r) => r.metadata.labels!['cozystack.io/privileged'] === 'true').map((r) => r.metadata.namespace!));
    // cozy-system is privileged whatever runs there (the installer's Namespace).
    const plain = [...new Set(releases.map((r) => r.metadata.namespace!))].filter((n) => !privileged.has(n) && n !== 'cozy-system');
    expect(privileged.size).toBeGreaterThan(0);
    expect(plain.length).toBeGreaterThan(0);
    for (const n of privileged) expect(ns(n).metadata.labels?.['pod-security.kubernetes.io/enforce'], n).toBe('privileged');
    for (const n of plain) expect(ns(n).metadata.labels?.['pod-security.kubernetes.io/enforce'], n).toBeUndefined();
  });
});

describe('flux mode at 1.6.2: Git owns the chart\'s objects', () => {
  it.each([
    ['isp-full.defaults', 'flux'],
    ['isp-full.defaults', 'operator'],
    // Its chart also renders the ConfigMap cozystack-scheduling, which is applied as usual.
    ['isp-full.values-misc', 'flux'],
  ] as const)('%s, %s mode: what the chart keeps or protects is never pruned; the version ConfigMap is created only when absent; nothing else gets either annotation', (id, mode) => {
    const dir = join(releaseDir('v1.6.2'), 'renders', id);
    const objects = new Map(output(dir, mode).map((o) => [KEY(o), o]));
    let kept = 0;
    let plain = 0;
    for (const r of recorded(id)) {
      if (r.kind === 'Package' && mode === 'flux') continue;
      const o = objects.get(KEY(r));
      expect(o, KEY(r)).toBeDefined();
      const protectedByChart = r.metadata.annotations?.['helm.sh/resource-policy'] === 'keep' || r.metadata.labels?.['platform.cozystack.io/no-delete'] === 'true';
      if (protectedByChart) {
        expect(o!.metadata.annotations?.[PRUNE], KEY(r)).toBe('disabled');
        kept++;
      } else {
        expect(o!.metadata.annotations?.[PRUNE], KEY(r)).toBe(r.metadata.annotations?.[PRUNE]);
        plain++;
      }
      const version = r.kind === 'ConfigMap' && r.metadata.name === 'cozystack-version';
      expect(o!.metadata.annotations?.[SSA], KEY(r)).toBe(version ? 'IfNotPresent' : undefined);
    }
    expect(kept).toBeGreaterThan(0);
    expect(plain).toBeGreaterThan(0);
    expect([...objects.values()].filter((o) => o.metadata.annotations?.[SSA] !== undefined).map(KEY)).toEqual(['ConfigMap cozy-system/cozystack-version']);
  });

  it('the cozystack.io CRDs (PackageSource, Package) of the release are written, never pruned (deleting a CRD deletes every object of its kind)', () => {
    const crds = output().filter((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name.endsWith('.cozystack.io'));
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(['packages.cozystack.io', 'packagesources.cozystack.io']);
    for (const c of crds) expect(c.metadata.annotations?.[PRUNE], c.metadata.name).toBe('disabled');
  });

  it('the platform source cozystack-platform is the OCIRepository of the source setting, protected and never pruned', () => {
    const src = output().find((o) => o.metadata.name === 'cozystack-platform' && o.metadata.namespace === 'cozy-system' && o.kind !== 'HelmRelease')!;
    expect(src.kind).toBe('OCIRepository');
    expect(src.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(src.metadata.labels).toEqual({ 'platform.cozystack.io/no-delete': 'true' });
    expect(src.metadata.annotations?.[PRUNE]).toBe('disabled');
  });
});

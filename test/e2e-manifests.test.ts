// The app manifests upstream's own end-to-end tests apply at each v1 release (hack/e2e-chainsaw/ at
// the tag, brought into releases/<tag>/upstream/ by scripts/snapshot-upstream.ts): each
// synthesizes under a platform of that release, and the values Flux hands the chart (the
// valuesFrom documents of the library's Secrets, then spec.values over them) are the manifest's spec.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, type KubeObject, Platform } from '../lib/index.js';
import type { Values } from '../lib/core/values.js';
import { deepMerge } from '../lib/core/values.js';
import { RELEASE_DATA } from '../releases/index.js';
import { catalogIndex, releaseDir, upstreamFile } from './support/reference.js';
import { everyAppServed, PAAS, spec } from './support/synth.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Values;
}

/** Every apps.cozystack.io document of the release's e2e files, with the file it is in. */
function manifestsOf(tag: string): { file: string; manifest: Manifest }[] {
  const root = join(releaseDir(tag), 'upstream', 'hack', 'e2e-chainsaw');
  const out: { file: string; manifest: Manifest }[] = [];
  for (const dir of readdirSync(root).sort()) {
    for (const f of readdirSync(join(root, dir)).sort()) {
      for (const d of parseAllDocuments(readFileSync(join(root, dir, f), 'utf8'))) {
        const m = d.toJS() as Manifest | null;
        if (m && typeof m.apiVersion === 'string' && m.apiVersion.startsWith('apps.cozystack.io/')) out.push({ file: `hack/e2e-chainsaw/${dir}/${f}`, manifest: m });
      }
    }
  }
  return out;
}

/** The values Flux gives the chart of a HelmRelease, but the platform's cozystack-values Secret: valuesFrom in order, then spec.values. */
function fluxValues(release: KubeObject, objects: KubeObject[]): Values {
  let values: Values = {};
  for (const ref of (spec(release).valuesFrom ?? []) as { kind: string; name: string; valuesKey?: string; targetPath?: string }[]) {
    if (ref.name === 'cozystack-values') continue;
    expect(ref.targetPath, 'the library reads its own Secret as one document').toBeUndefined();
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === ref.name && o.metadata.namespace === release.metadata.namespace)!;
    expect(secret, `Secret ${ref.name}`).toBeDefined();
    values = deepMerge(values, parse((secret.stringData as Record<string, string>)[ref.valuesKey ?? 'values.yaml']!) as Values);
  }
  return deepMerge(values, (spec(release).values ?? {}) as Values);
}

const V1 = RELEASE_DATA.filter((r) => r.delivery === 'packages');

describe.each(V1.map((r) => [r.version, r] as const))('upstream e2e app manifests at %s', (_, r) => {
  const cases = manifestsOf(r.tag);

  it('are the apps of the release\'s own tests (at least 20)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c) => [`${c.manifest.kind} ${c.manifest.metadata.name} (${c.file})`, c] as const))('%s synthesizes, and Flux hands the chart its spec', (_, c) => {
    const app = new App({ outdir: '/nonexistent' });
    // ExternalDNS is served only with its optional Package (external-dns-application) enabled.
    const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, version: r.version, ...everyAppServed(r.version) });
    const team = platform.rootTenant.addTenant('test');
    let made;
    try {
      made = team.addApp({ ...c.manifest, metadata: { ...c.manifest.metadata, namespace: 'tenant-test' } });
    } catch (e) {
      if (e instanceof CozystackValidationError) throw new Error(`${c.file} refused:\n${e.message}`);
      throw e;
    }
    const objects = collectObjects(app);
    const labels = (o: KubeObject): Record<string, string> => (o.metadata.labels ?? {}) as Record<string, string>;
    const release = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === 'tenant-test' && labels(o)['apps.cozystack.io/application.name'] === c.manifest.metadata.name)!;
    expect(release, 'the HelmRelease of the app').toBeDefined();
    expect(labels(release)['apps.cozystack.io/application.kind']).toBe(c.manifest.kind);
    expect(fluxValues(release, objects)).toEqual(c.manifest.spec ?? {});
    // Keys the chart's schema (values.schema.json at the tag) does not list are only warnings, as
    // Helm accepts them (VMInstance's `running` at v1.6: the chart has runStrategy instead).
    const row = catalogIndex(r.tag).find((a) => a.kind === c.manifest.kind)!;
    const schema = JSON.parse(readFileSync(upstreamFile(r.tag, row.schema!), 'utf8')) as { properties?: Record<string, unknown> };
    const unknown = Object.keys(c.manifest.spec ?? {}).filter((k) => !Object.prototype.hasOwnProperty.call(schema.properties ?? {}, k));
    const warned = platform.warnings.filter((w) => /\[unknown-key\]$/.test(w)).map((w) => /spec\.(\S+): unknown key/.exec(w)![1]);
    expect(warned).toEqual(unknown);
    expect(made).toBeDefined();
  });
});

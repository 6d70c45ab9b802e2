// The app kinds a v1.x platform serves (issue 14): a kind is served when the Package installing its
// ApplicationDefinition (the `<chart>-rd` component of a `cozystack.<x>-application` PackageSource)
// is among the Packages the platform chart renders for the variant and settings. Expected sets are
// read from helm's recorded renders of the chart (releases/<tag>/renders/<case>/rendered.yaml, with
// the case's values.yaml), independently of the library's own chart: which PackageSource has the
// `-rd` component, and whether its Package is rendered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { APP_CATALOGS, Bundle, collectObjects, CozystackValidationError, ManagedApp, Platform, type PlatformProps } from '../lib/index.js';
import { RELEASE_DATA } from '../releases/index.js';
import { recordedRender, releaseDir } from './support/reference.js';
import { PAAS } from './support/synth.js';

interface RenderCase {
  readonly id: string;
  readonly variant: string;
  readonly outcome: string;
}
type Doc = { kind?: string; metadata?: { name?: string }; spec?: { variants?: { components?: { name: string }[] }[] } };

const V1 = RELEASE_DATA.filter((r) => r.delivery === 'packages');
const catalogOf = (tag: string) => APP_CATALOGS.find((c) => c.tag === tag)!.definitions;

/** The kinds a recorded render serves: those whose `-rd` component's PackageSource has a rendered Package. */
function servedByRender(tag: string, docs: Doc[]): string[] {
  const sourceOf = new Map<string, string>();
  for (const d of docs.filter((x) => x.kind === 'PackageSource')) {
    for (const v of d.spec?.variants ?? []) for (const c of v.components ?? []) if (c.name.endsWith('-rd')) sourceOf.set(c.name, d.metadata!.name!);
  }
  const rendered = new Set(docs.filter((x) => x.kind === 'Package').map((x) => x.metadata!.name!));
  return catalogOf(tag)
    .filter((d) => rendered.has(sourceOf.get(`${d.chart}-rd`) ?? ''))
    .map((d) => d.kind)
    .sort();
}

function platformOf(props: Partial<PlatformProps>): Platform {
  return new Platform(new App({ outdir: '/nonexistent-never-written' }), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformProps);
}

const problemsOf = (f: () => unknown): { path: string; rule: string; message: string }[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => ({ path: p.path, rule: p.rule, message: p.message }));
  }
  throw new Error('expected an error');
};

describe.each(V1.map((r) => [r.version, r] as const))('served kinds at %s, against the recorded renders of the platform chart', (_, r) => {
  const dir = join(releaseDir(r.tag), 'renders');
  const index = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: RenderCase[] };
  // The cases the settings can state: rendered, without cluster look-ups (those are clusterState).
  const cases = index.cases.filter((c) => c.outcome === 'rendered' && !c.id.includes('.lookup-') && readdirSync(join(dir, c.id)).includes('values.yaml'));

  it('has cases of every variant', () => {
    expect(new Set(cases.map((c) => c.variant))).toEqual(new Set(['isp-full', 'isp-full-generic', 'isp-hosted']));
  });

  const compared: string[] = [];
  it.each(cases.map((c) => [c.id, c] as const))('%s: platform.applications are the kinds whose Package the chart renders', (_, c) => {
    const values = (parseAllDocuments(readFileSync(join(dir, c.id, 'values.yaml'), 'utf8'))[0]?.toJS() ?? {}) as Record<string, unknown>;
    const docs = recordedRender<Doc>(r.tag, c.id);
    let platform: Platform;
    try {
      platform = platformOf({ version: r.version, variant: c.variant as PlatformProps['variant'], platformValues: values });
    } catch (e) {
      // A value the library refuses before rendering (checked by test/platform-chart.test.ts).
      if (e instanceof CozystackValidationError) return;
      throw e;
    }
    compared.push(c.id);
    expect(platform.applications.map((a) => a.kind).sort()).toEqual(servedByRender(r.tag, docs));
  });

  it('compared most cases, among them a variant without the paas layer and disabled packages', () => {
    expect(compared.length).toBeGreaterThan(cases.length / 2);
    for (const id of ['isp-full.defaults', 'isp-full.disabled-packages', 'isp-full.layers-off', 'isp-hosted.defaults', 'isp-full.optional-packages']) expect(compared).toContain(id);
  });

  it('the sets differ between the cases (the check is not vacuous)', () => {
    const defaults = servedByRender(r.tag, recordedRender<Doc>(r.tag, 'isp-full.defaults'));
    const disabled = servedByRender(r.tag, recordedRender<Doc>(r.tag, 'isp-full.disabled-packages'));
    const hosted = servedByRender(r.tag, recordedRender<Doc>(r.tag, 'isp-hosted.defaults'));
    expect(defaults).toContain('Postgres');
    expect(disabled).not.toContain('Postgres');
    expect(defaults).toContain('Kubernetes');
    expect(hosted).not.toContain('Kubernetes');
    expect(defaults).not.toContain('ExternalDNS');
  });
});

describe('an app of a kind whose Package is not rendered fails at synth, naming the Package and the way to serve it', () => {
  const kindNotServed = (props: Partial<PlatformProps>, kind: string, name = 'x') => {
    const p = platformOf(props);
    const definition = catalogOf(p.model.release.tag).find((d) => d.kind === kind)!;
    try {
      new ManagedApp(p.rootTenant, name, { definition });
    } catch (e) {
      return problemsOf(() => {
        throw e;
      }).filter((x) => x.rule === 'kind-not-served');
    }
    return [];
  };

  it('a Package disabled with components.disable', () => {
    const [p, ...rest] = kindNotServed({ components: { disable: ['postgres-application'] } }, 'Postgres');
    expect(rest).toEqual([]);
    expect(p!.path).toBe('kind');
    expect(p!.message).toBe(
      "the platform does not serve Postgres: its Package cozystack.postgres-application is disabled (components.disable, or bundles.disabledPackages in platformValues); remove 'postgres-application' from the disabled packages to serve it",
    );
  });

  it('a Package disabled with platformValues bundles.disabledPackages', () => {
    expect(kindNotServed({ platformValues: { bundles: { disabledPackages: ['cozystack.vpn-application'] } } }, 'VPN')[0]!.message).toContain('its Package cozystack.vpn-application is disabled');
  });

  it('an optional Package not enabled: ExternalDNS, and BootBox (enabled by its package bootbox)', () => {
    expect(kindNotServed({}, 'ExternalDNS')[0]!.message).toBe(
      "the platform does not serve ExternalDNS: its Package cozystack.external-dns-application is not rendered by variant isp-full with these settings; add 'external-dns-application' to components.enable to serve it",
    );
    expect(kindNotServed({}, 'BootBox', 'bootbox')[0]!.message).toContain("add 'bootbox' to components.enable to serve it");
    // The remedies named do serve the kinds.
    expect(kindNotServed({ components: { enable: ['external-dns-application'] } }, 'ExternalDNS')).toEqual([]);
    expect(kindNotServed({ components: { enable: ['bootbox'] } }, 'BootBox', 'bootbox')).toEqual([]);
  });

  it('a layer turned off', () => {
    const props = { platformValues: { bundles: { paas: { enabled: false } } } };
    expect(kindNotServed(props, 'Postgres')[0]!.message).toContain('is not rendered by variant isp-full with these settings; turn its layer on (platformValues bundles.paas.enabled: true) to serve it');
    expect(platformOf(props).applications.map((a) => a.kind)).not.toContain('Postgres');
  });

  it('a variant without the Package names the variants that have it', () => {
    expect(kindNotServed({ bundle: Bundle.PAAS_HOSTED }, 'Kubernetes')[0]!.message).toBe(
      'the platform does not serve Kubernetes: its Package cozystack.kubernetes-application is not rendered by variant isp-hosted with these settings; variant isp-full, isp-full-generic can install it (with its layer on, enabled where optional)',
    );
  });

  it('KubernetesNodes at 1.6.2: no bundle of the platform chart installs its Package', () => {
    expect(kindNotServed({}, 'KubernetesNodes')[0]!.message).toContain(
      'no variant of the Cozystack 1.6.2 platform chart renders it with any layers or enabled packages (the release has its PackageSource, but no bundle installs its Package)',
    );
  });

  it('manifests and the typed constructs are refused alike, and a served kind synthesizes', () => {
    const p = platformOf({ components: { disable: ['redis-application'] } });
    const e = problemsOf(() => p.rootTenant.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Redis', metadata: { name: 'cache' }, spec: {} }));
    expect(e.map((x) => x.rule)).toContain('kind-not-served');
    const q = platformOf({});
    q.rootTenant.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Redis', metadata: { name: 'cache' }, spec: {} });
    expect(collectObjects(q.node.root as App).some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'redis-cache')).toBe(true);
  });

  it('v0.41.11 keeps its rule: the -rd component of the bundle', () => {
    const [p] = kindNotServed({ version: '0.41.11', bundle: Bundle.DISTRO_HOSTED }, 'Postgres');
    expect(p!.message).toBe('the platform does not serve Postgres: component postgres-rd is not installed in bundle distro-hosted');
  });
});

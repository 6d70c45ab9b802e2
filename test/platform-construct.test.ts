// The Platform construct's own rules (lib/constructs/platform.ts), beside those of the model:
// - what `expose` needs of the finished tree (ExposeProps JSDoc: the services are published by the
//   ingress of the tenant namespace `expose.ingress`, default tenant-root), checked at synthesis;
// - `Platform.of`, `installedComponents` and the root tenant's dependsOn, against the bundles of
//   v0.41.11 as upstream writes them (releases/v0.41.11/bundles.json: the releases a bundle renders
//   by default, in bundle order, and tenant-root's dependsOn);
// - `tenantsPerChart` (PlatformProps JSDoc: a positive integer; charts of at most that many tenants).
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, type KubeObject, Platform, type PlatformProps } from '../lib/index.js';
import { BUNDLES_JSON } from './support/reference.js';
import { ofKind, PAAS } from './support/synth.js';

const V041 = { version: '0.41.11' } as const;

function platformOf(props: Partial<PlatformProps>, tenants: Record<string, Record<string, unknown>> = {}): { app: App; platform: Platform } {
  const app = new App({ outdir: '/nonexistent-never-written' });
  const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformProps);
  for (const [name, settings] of Object.entries(tenants)) platform.rootTenant.addTenant(name, settings);
  return { app, platform };
}

/** The problems synthesis reports, `<subject> <path> [<rule>] <message>`; [] when it succeeds. */
function synthProblems(props: Partial<PlatformProps>, tenants: Record<string, Record<string, unknown>> = {}): string[] {
  const { app } = platformOf(props, tenants);
  try {
    collectObjects(app);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.subject} ${p.path} [${p.rule}] ${p.message}`);
  }
}

describe('expose needs the ingress of a tenant in the finished tree', () => {
  const notATenant = (ns: string) => `Platform platform expose.ingress [not-a-tenant] ${ns} is not a tenant namespace; exposed services need the ingress of a tenant`;
  const noIngress = (ns: string) => `Platform platform expose.ingress [no-ingress] tenant ${ns} runs no ingress (set ingress: true on it)`;

  describe.each([
    ['0.41.11', V041],
    ['the default release', {}],
  ])('at %s', (_, release) => {
    it('services exposed through a tenant that runs an ingress: accepted', () => {
      expect(synthProblems({ ...release, expose: { services: ['api'], ingress: 'tenant-a' } }, { a: { ingress: true } })).toEqual([]);
      expect(synthProblems({ ...release, expose: { services: ['api'] } })).toEqual([]);
    });

    it('through a tenant that runs none: refused, naming the tenant', () => {
      expect(synthProblems({ ...release, expose: { services: ['api'], ingress: 'tenant-a' } }, { a: {} })).toEqual([noIngress('tenant-a')]);
      expect(synthProblems({ ...release, rootTenant: { ingress: false }, expose: { services: ['dashboard'] } })).toEqual([noIngress('tenant-root')]);
    });

    it('through a namespace that is no tenant: refused', () => {
      expect(synthProblems({ ...release, expose: { services: ['api'], ingress: 'tenant-b' } }, { a: { ingress: true } })).toEqual([notATenant('tenant-b')]);
    });

    it('external IPs alone are exposure too', () => {
      expect(synthProblems({ ...release, expose: { externalIPs: ['192.0.2.10'], ingress: 'tenant-a' } }, { a: {} })).toEqual([noIngress('tenant-a')]);
    });

    it('the tenant is found at any depth of the tree', () => {
      const { app, platform } = platformOf({ ...release, expose: { services: ['api'], ingress: 'tenant-a-b' } }, { a: {} });
      platform.rootTenant.children[0]!.addTenant('b', { ingress: true });
      expect(() => collectObjects(app)).not.toThrow();
      const { app: app2, platform: p2 } = platformOf({ ...release, expose: { services: ['api'], ingress: 'tenant-a-b' } }, { a: { ingress: true } });
      p2.rootTenant.children[0]!.addTenant('b');
      expect(() => collectObjects(app2)).toThrow(/tenant tenant-a-b runs no ingress/);
    });
  });

  it('at 0.41.11, nothing exposed: expose.ingress is not checked', () => {
    expect(synthProblems({ ...V041, expose: { ingress: 'tenant-nobody' } })).toEqual([]);
    expect(synthProblems({ ...V041, rootTenant: { ingress: false } })).toEqual([]);
  });

  it("at v1.x, the platform chart's own default exposure is not checked against the tree, only what the settings ask", () => {
    // The chart exposes api, dashboard, vm-exportproxy and cdi-uploadproxy by default (values.yaml).
    expect(synthProblems({ rootTenant: { ingress: false } })).toEqual([]);
    expect(synthProblems({ expose: { ingress: 'tenant-nobody' } })).toEqual([]);
    // The chart's values, given through platformValues, are what the settings ask too.
    expect(synthProblems({ rootTenant: { ingress: false }, platformValues: { publishing: { exposedServices: ['api'] } } })).toEqual([noIngress('tenant-root')]);
    expect(synthProblems({ platformValues: { publishing: { externalIPs: ['192.0.2.10'], ingressName: 'tenant-a' } } }, { a: {} })).toEqual([noIngress('tenant-a')]);
    expect(synthProblems({ platformValues: { publishing: { exposedServices: ['api'], ingressName: 'tenant-nobody' } } })).toEqual([notATenant('tenant-nobody')]);
    // An empty ingressName is the chart's default, tenant-root.
    expect(synthProblems({ rootTenant: { ingress: false }, platformValues: { publishing: { exposedServices: ['api'], ingressName: '' } } })).toEqual([noIngress('tenant-root')]);
  });
});

describe('Platform.of', () => {
  it('finds the Platform of any construct inside it, and names a construct outside one', () => {
    const { app, platform } = platformOf(V041, { a: {} });
    const a = platform.rootTenant.children[0]!;
    expect(Platform.of(a)).toBe(platform);
    expect(Platform.of(new Construct(a, 'x'))).toBe(platform);
    expect(Platform.of(platform)).toBe(platform);
    const other = new Chart(app, 'other');
    expect(() => Platform.of(new Construct(other, 'y'))).toThrow(new Error('other/y: not inside a Platform'));
    expect(Platform.isPlatform(other)).toBe(false);
  });
});

describe.each(Object.keys(BUNDLES_JSON.bundles))('bundle %s of v0.41.11', (name) => {
  const ref = BUNDLES_JSON.bundles[name]!;
  const bundle = Bundle.fromName(name);
  const props = { ...V041, bundle } as Partial<PlatformProps>;

  it('installedComponents: the releases the bundle renders by default, in bundle order', () => {
    const expected = ref.releases.filter((r) => ref.derived.helmReleasesRenderedByDefault.includes(r.releaseName)).map((r) => r.name);
    expect(platformOf(props).platform.installedComponents).toEqual(expected);
  });

  it("tenant-root's HelmRelease waits for the bundle's cilium and kubeovn, as upstream's tenant-root dependsOn", () => {
    const objects: KubeObject[] = collectObjects(platformOf(props).app);
    const root = ofKind(objects, 'HelmRelease').find((o) => o.metadata.name === 'tenant-root' && o.metadata.namespace === 'tenant-root')!;
    const dependsOn = (root.spec as { dependsOn?: unknown[] }).dependsOn ?? [];
    expect(dependsOn).toEqual(ref.derived.tenantRootDependsOn);
  });
});

describe('tenantsPerChart', () => {
  it('must be a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        platformOf({ ...V041, tenantsPerChart: bad });
      } catch (e) {
        error = e;
      }
      expect(error, String(bad)).toBeInstanceOf(CozystackValidationError);
      expect((error as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`)).toEqual([`tenantsPerChart [invalid-number] expected a positive integer, got ${JSON.stringify(bad)}`]);
    }
    expect(() => platformOf({ ...V041, tenantsPerChart: 1 })).not.toThrow();
  });

  it('fills each chart with that many tenants, in the order they are added, the root first', () => {
    const { app } = platformOf({ ...V041, tenantsPerChart: 2 }, { a: {}, b: {}, c: {} });
    const charts = app.charts.filter((c) => !Platform.isPlatform(c));
    expect(charts.map((c) => c.node.id)).toEqual(['platform-tenants-0', 'platform-tenants-1']);
    expect(charts.map((c) => c.node.children.map((x) => x.node.id))).toEqual([
      ['tenant-root', 'tenant-a'],
      ['tenant-b', 'tenant-c'],
    ]);
  });
});

describe("what the operator would report of the chart's Packages, as the platform's warnings", () => {
  // releases/v1.6.2/upstream/packages/core/platform/sources/hami.yaml: cozystack.hami dependsOn
  // cozystack.gpu-operator, which the isp-full variant installs only when enabled; the operator
  // leaves such a Package waiting (its reason DependenciesNotReady).
  it('a Package that waits for one the variant does not install is named, with the release', () => {
    const { platform } = platformOf({ variant: 'isp-full', components: { enable: ['hami'] } });
    expect(platform.warnings).toEqual(['Cozystack 1.6.2: the operator would not install it: Package cozystack.hami: depends on Package cozystack.gpu-operator, which is not installed [DependenciesNotReady]']);
    expect(platformOf({ variant: 'isp-full', components: { enable: ['hami', 'gpu-operator'] } }).platform.warnings).toEqual([]);
    expect(platformOf({ variant: 'isp-full' }).platform.warnings).toEqual([]);
  });
});

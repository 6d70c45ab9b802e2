// App constructs: the HelmRelease the platform's API stores for an apps.cozystack.io object.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { APP_CATALOGS } from '../apps/catalog.js';
import { RELEASE_DATA } from '../releases/index.js';
import { catalogIndex, upstreamFile } from './support/reference.js';
import {
  APP_DEFINITIONS,
  Bucket,
  Bundle,
  collectObjects,
  CozystackValidationError,
  Kubernetes,
  ManagedApp,
  Platform,
  platformFromDocuments,
  Postgres,
  readYamlInputs,
} from '../lib/index.js';
import { toYaml } from '../lib/output/yaml-emitter.js';
import { validateObject } from './support/schemas.js';
import { everyAppServed, PAAS, spec, UNSERVED_KINDS } from './support/synth.js';

const app = () => new App({ outdir: '/nonexistent' });
const platform = (props: Record<string, unknown> = {}) => new Platform(app(), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props });
const releaseOf = (a: ManagedApp<unknown>) => collectObjects(a.node.root as App).find((o) => o.kind === 'HelmRelease' && o.metadata.name === a.releaseName && o.metadata.namespace === a.namespace)!;
const problems = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems;
  }
  throw new Error('expected an error');
};
/**
 * What each release's API sets on an app's HelmRelease besides the resource definition's own data.
 * v0.41.11: pkg/registry/apps/application/rest.go (interval 5m, install/upgrade remediation
 * retries -1); v1.6.x: the same file and pkg/cmd/server/start.go defaults (interval 5m, maxHistory
 * 5, install/upgrade timeout 10m unless the definition's helm-install-timeout annotation says
 * otherwise, strategy RetryOnFailure with retryInterval 30s, disableWait when the definition's
 * helm-install-disable-wait annotation is "true").
 */
function expectedSpec(tag: string, delivery: string, chartPath: string, definitionFile: string): Record<string, unknown> {
  const rd = loadYaml(readFileSync(upstreamFile(tag, definitionFile), 'utf8')) as { metadata: { annotations?: Record<string, string> }; spec: { release: { chartRef?: unknown } } };
  if (delivery === 'bundles') {
    return {
      interval: '5m',
      chart: { spec: { chart: `packages/${chartPath}`, sourceRef: { kind: 'GitRepository', name: 'cozystack-packages', namespace: 'cozy-system' } } },
      install: { remediation: { retries: -1 } },
      upgrade: { remediation: { retries: -1 } },
      valuesFrom: [{ kind: 'Secret', name: 'cozystack-values' }],
    };
  }
  const a = rd.metadata.annotations ?? {};
  const timeout = a['release.cozystack.io/helm-install-timeout'] ?? '10m';
  const wait = a['release.cozystack.io/helm-install-disable-wait'] === 'true' ? { disableWait: true } : {};
  const strategy = { name: 'RetryOnFailure', retryInterval: '30s' };
  return {
    interval: '5m',
    maxHistory: 5,
    chartRef: rd.spec.release.chartRef,
    install: { timeout, strategy, ...wait },
    upgrade: { timeout: a['release.cozystack.io/helm-upgrade-timeout'] ?? timeout, strategy, ...wait },
    valuesFrom: [{ kind: 'Secret', name: 'cozystack-values' }],
  };
}

// Info is made by the tenant chart for every tenant; it cannot be ordered (tested below).
const CASES = RELEASE_DATA.flatMap((r) =>
  APP_CATALOGS.find((c) => c.tag === r.tag)!
    .definitions.filter((d) => d.kind !== 'Tenant' && d.kind !== 'Info')
    .map((d) => [`${d.kind} at ${r.version}`, r, d] as const),
);

describe.each(CASES)('%s', (_, r, d) => {
  const kind = d.kind;
  // Modules are named after their chart; apps get any name.
  const name = d.module ? d.chart : 'x1';
  const row = catalogIndex(r.tag).find((x) => x.kind === kind)!;
  const build = () => {
    // At v1.x the optional Packages of ExternalDNS, BootBox and KubernetesNodes are enabled (the kind is served only then).
    const p = platform({ version: r.version, ...(r.delivery === 'packages' ? everyAppServed(r.version) : { components: { enable: d.chart === 'bootbox' ? ['bootbox'] : [] } }) });
    const a = new ManagedApp(p.rootTenant.addTenant('team'), name, { definition: d });
    return { p, a, release: releaseOf(a) };
  };

  const unserved = UNSERVED_KINDS[r.version]!.includes(kind);
  // A kind no setting serves (KubernetesNodes at 1.6.2: no bundle installs its Package) is refused.
  if (unserved) it('is refused: no setting of the platform serves it', () => {
    expect(problems(build).map((x) => x.rule)).toContain('kind-not-served');
  });

  if (!unserved) it('synthesizes with its defaults into the HelmRelease the platform API of the release stores', () => {
    const { release, a } = build();
    expect(a.definition).toBe(d);
    // Facts from the release: name = prefix + object name, tenant namespace, definition labels, application labels.
    const rd = loadYaml(readFileSync(upstreamFile(r.tag, row.definition), 'utf8')) as { spec: { release: { prefix: string; labels?: Record<string, string> } } };
    expect(release.metadata).toEqual({
      name: `${rd.spec.release.prefix}${name}`,
      namespace: 'tenant-team',
      labels: { ...rd.spec.release.labels, 'apps.cozystack.io/application.kind': kind, 'apps.cozystack.io/application.group': 'apps.cozystack.io', 'apps.cozystack.io/application.name': name },
    });
    const { releaseName, ...rest } = spec(release);
    expect(rest).toMatchObject(expectedSpec(r.tag, r.delivery, row.path.replace(/^packages\//, ''), row.definition));
    // v0.41.11 output names the Helm release (what Flux defaults to); the v1 API leaves it to Flux.
    expect(releaseName).toBe(r.delivery === 'bundles' ? release.metadata.name : undefined);
    expect(spec(release).values).toBeUndefined();
    expect(validateObject(release)).toEqual([]);
  });

  if (!unserved) it('matches the reviewed snapshot', async () => {
    await expect(toYaml(build().release)).toMatchFileSnapshot(`./__snapshots__/apps/${r.tag}/app-${d.chart}.yaml`);
  });
});

describe('values', () => {
  it('are exactly what the user set, nulls included', () => {
    const p = platform({ credentials: { handling: 'inline' } });
    const db = new Postgres(p.rootTenant, 'db', { replicas: 3, size: '20Gi', users: { app: { password: 'p' } }, external: null as unknown as boolean });
    expect(spec(releaseOf(db)).values).toEqual({ replicas: 3, size: '20Gi', users: { app: { password: 'p' } }, external: null });
    expect(toYaml(releaseOf(db))).toMatch(/^ {4}external: null$/m);
  });

  it('every violation is reported at once with app, tenant, path, expectation and value', () => {
    const p = platform();
    const list = problems(() => new Postgres(p.rootTenant.addTenant('team'), 'db', { replicas: 'three' as unknown as number, size: '20 GB', version: 'v99' as never }));
    expect(list.map((x) => `${x.subject} ${x.path} [${x.rule}]`)).toEqual([
      'Postgres tenant-team/db spec.replicas [type]',
      'Postgres tenant-team/db spec.size [pattern]',
      'Postgres tenant-team/db spec.version [enum]',
    ]);
    expect(list[0]!.message).toMatch(/integer.*"three"/);
  });

  it('unknown keys are warnings with a suggestion, errors under strict', () => {
    const p = platform();
    new Postgres(p.rootTenant, 'db', { replicaz: 2 } as never);
    expect(p.warnings).toEqual([expect.stringMatching(/Postgres tenant-root\/db spec\.replicaz: .*did you mean 'replicas'/)]);
    const strict = platform({ strict: true });
    expect(problems(() => new Postgres(strict.rootTenant, 'db', { replicaz: 2 } as never))).toEqual([expect.objectContaining({ path: 'spec.replicaz', rule: 'unknown-key' })]);
  });
});

describe('prerequisites', () => {
  it('an app needing a tenant service nobody in the chain runs fails, naming the service', () => {
    const p = platform({ rootTenant: { etcd: false } });
    const team = p.rootTenant.addTenant('team');
    expect(problems(() => new Kubernetes(team, 'k'))).toEqual([expect.objectContaining({ rule: 'missing-service', message: expect.stringMatching(/'etcd'/) })]);
    // an ancestor that runs it is enough
    const withEtcd = p.rootTenant.addTenant('infra', { etcd: true });
    expect(() => new Kubernetes(withEtcd.addTenant('dev'), 'k')).not.toThrow();
    const noSeaweed = platform({ rootTenant: { seaweedfs: false } });
    expect(problems(() => new Bucket(noSeaweed.rootTenant, 'b'))).toEqual([expect.objectContaining({ rule: 'missing-service', message: expect.stringMatching(/'seaweedfs'/) })]);
  });

  it('a kind the bundle does not serve fails', () => {
    const p = new Platform(app(), 'platform', { bundle: Bundle.DISTRO_HOSTED, version: '0.41.11' });
    expect(problems(() => new Postgres(p.rootTenant, 'db'))).toEqual([expect.objectContaining({ rule: 'kind-not-served', message: expect.stringMatching(/postgres-rd is not installed in bundle distro-hosted/) })]);
  });

  it('duplicates, bad names, and collisions with tenant modules', () => {
    const p = platform();
    new Postgres(p.rootTenant, 'db');
    expect(problems(() => new Postgres(p.rootTenant, 'db'))).toEqual([expect.objectContaining({ rule: 'duplicate-app' }), expect.objectContaining({ rule: 'duplicate-release' })]);
    expect(problems(() => new Postgres(p.rootTenant, 'Db'))).toEqual([expect.objectContaining({ rule: 'invalid-name' })]);
    const etcd = APP_DEFINITIONS.find((d) => d.kind === 'Etcd')!;
    expect(problems(() => new ManagedApp(p.rootTenant, 'etcd', { definition: etcd }))).toEqual([expect.objectContaining({ rule: 'duplicate-release', message: expect.stringMatching(/etcd module of tenant tenant-root/) })]);
    const info = APP_DEFINITIONS.find((d) => d.kind === 'Info')!;
    expect(problems(() => new ManagedApp(p.rootTenant.addTenant('x'), 'info', { definition: info }))).toEqual([expect.objectContaining({ rule: 'duplicate-release', message: expect.stringMatching(/info module of tenant tenant-x/) })]);
    // A tenant and an app may share a name, as on a cluster.
    expect(() => p.rootTenant.addTenant('db')).not.toThrow();
  });
});

describe('placement in the construct tree', () => {
  it("an app finds its tenant up the tree, through the user's own constructs, and keeps the id it was given", () => {
    const p = platform();
    const team = p.rootTenant.addTenant('team');
    const group = new Construct(team, 'team-db');
    const db = new Postgres(group, 'db', { replicas: 2 });
    expect(db.tenant).toBe(team);
    expect(db.node.id).toBe('db');
    expect(db.node.scope).toBe(group);
    expect(db.namespace).toBe('tenant-team');
    // The HelmRelease is the same as for an app created in the tenant itself.
    expect(releaseOf(db)).toMatchObject({ metadata: { name: 'postgres-db', namespace: 'tenant-team' }, spec: { values: { replicas: 2 } } });
    const direct = platform();
    const same = new Postgres(direct.rootTenant.addTenant('team'), 'db', { replicas: 2 });
    expect(same.node.id).toBe('db');
    expect(releaseOf(same)).toEqual(releaseOf(db));
  });

  it('an app outside every tenant fails with a hint; one of the same name in the same construct is a duplicate', () => {
    const p = platform();
    expect(problems(() => new Postgres(new Construct(p, 'loose'), 'db'))).toEqual([expect.objectContaining({ rule: 'not-in-tenant', message: expect.stringMatching(/must be created in a Tenant or a construct inside one/) })]);
    const group = new Construct(p.rootTenant, 'group');
    new Postgres(group, 'db');
    expect(problems(() => new Postgres(group, 'db'))).toEqual([expect.objectContaining({ rule: 'duplicate-app' }), expect.objectContaining({ rule: 'duplicate-release' })]);
    new Kubernetes(group, 'k8s');
    expect(problems(() => new Postgres(group, 'k8s'))).toEqual([expect.objectContaining({ rule: 'duplicate-construct', message: expect.stringMatching(/already has a construct named 'k8s'/) })]);
  });

  it('typed apps take their options in their props, not as chart values', () => {
    const p = platform();
    const db = new Postgres(p.rootTenant, 'db', { users: { app: { password: 'pw' } }, credentialsSecret: 'db-creds' });
    expect(db.values).toEqual({ users: { app: { password: 'pw' } } });
    const hr = releaseOf(db) as unknown as { spec: { values: Record<string, unknown>; valuesFrom: { name: string }[] } };
    expect(hr.spec.values).not.toHaveProperty('credentialsSecret');
    expect(hr.spec.valuesFrom.map((v) => v.name)).toContain('db-creds');
  });
});

describe('manifests', () => {
  it('a folder of plain apps.cozystack.io manifests lands in the right tenants, in any order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-apps-'));
    try {
      writeFileSync(join(dir, 'a-apps.yaml'), [
        'apiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nmetadata: {name: cache, namespace: tenant-shop-dev}\nspec: {replicas: 1}\n',
        'apiVersion: apps.cozystack.io/v1alpha1\nkind: Postgres\nmetadata: {name: db, namespace: tenant-shop}\nspec: {size: 5Gi}\n',
      ].join('---\n'));
      writeFileSync(join(dir, 'b-tenants.yaml'), [
        'apiVersion: apps.cozystack.io/v1alpha1\nkind: Tenant\nmetadata: {name: dev, namespace: tenant-shop}\nspec: {}\n',
        'apiVersion: apps.cozystack.io/v1alpha1\nkind: Tenant\nmetadata: {name: shop, namespace: tenant-root}\nspec: {ingress: true}\n',
      ].join('---\n'));
      writeFileSync(join(dir, 'c-platform.yaml'), 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: paas-full, rootHost: example.org, apiServerEndpoint: "https://api.example.org:6443"}\n');
      const a = app();
      const p = platformFromDocuments(a, readYamlInputs([dir]));
      const shop = p.rootTenant.children.find((t) => t.tenantName === 'shop')!;
      expect(shop.namespace).toBe('tenant-shop');
      expect(shop.children.map((t) => t.namespace)).toEqual(['tenant-shop-dev']);
      const releases = collectObjects(a).filter((o) => o.kind === 'HelmRelease').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      expect(releases).toEqual(expect.arrayContaining(['tenant-root/tenant-shop', 'tenant-shop/tenant-dev', 'tenant-shop/postgres-db', 'tenant-shop-dev/redis-cache']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Tenant.addApp rejects a manifest for another namespace', () => {
    const p = platform();
    expect(problems(() => p.rootTenant.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Redis', metadata: { name: 'r', namespace: 'tenant-x' } }))).toEqual([
      expect.objectContaining({ path: 'metadata.namespace', rule: 'namespace-mismatch' }),
    ]);
  });
});

// The checks the Tenant and ManagedApp constructs make themselves (lib/constructs/tenant.ts and
// managed-app.ts), each problem in full, as a TypeScript caller meets them. The rules are those the
// constructs document: a tenant name is lowercase letters and digits (the tenant chart joins names
// with '-' into `tenant-<path>`); a namespace is at most 63 characters and a Helm release name at
// most 53 (Kubernetes, Helm); tenant settings are booleans, a DNS name and a map of resource
// quantities; an app's name is a DNS label, a module (prefix '') is named as its chart, `_` keys are
// the platform's; a manifest is an `apps.cozystack.io/v1alpha1` object with a name and a map spec.
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, type KubeObject, ManagedApp, Platform, type PlatformProps, Postgres, Tenant } from '../lib/index.js';
import { manifestProblemsAlone } from '../lib/constructs/tenant.js';
import { appProps } from '../lib/constructs/managed-app.js';
import { appCatalogOf, appDefinitionOf } from '../lib/model/app-catalog.js';
import { releaseOf } from '../lib/releases/profiles.js';
const releaseProfile = (v: string) => releaseOf(v)!;
/** A kind of the 1.6.2 catalog that 0.41.11 does not have. */
const V1_ONLY_KIND = appCatalogOf(releaseProfile('1.6.2')).definitions.map((d) => d.kind).find((k) => !appDefinitionOf(k, releaseProfile('0.41.11')))!;
import { PAAS } from './support/synth.js';

const V041 = { version: '0.41.11' } as const;
const platformOf = (props: Partial<PlatformProps> = V041) => new Platform(new App({ outdir: '/nonexistent-never-written' }), 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformProps);

/** `<subject> <path> [<rule>] <message>` of each problem thrown. */
function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.subject} ${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected an error');
}

describe('a tenant name: lowercase letters and digits, no -', () => {
  it.each(['a-b', 'Foo', 'a_b', ''])('%j is refused, and nothing is derived from it', (name) => {
    const root = platformOf().rootTenant;
    expect(problems(() => root.addTenant(name))).toEqual([`Tenant tenant-root/${name} name [invalid-tenant-name] '${name}' is not a valid tenant name (lowercase letters and digits only, no '-')`]);
    expect(root.children).toEqual([]);
  });

  it('a name that is not a string is named as given', () => {
    expect(problems(() => platformOf().rootTenant.addTenant(7 as unknown as string))).toEqual([`Tenant tenant-root/7 name [invalid-tenant-name] '7' is not a valid tenant name (lowercase letters and digits only, no '-')`]);
  });

  it('letters and digits are accepted; the root tenant is named root whatever its id', () => {
    const root = platformOf().rootTenant;
    expect(root.addTenant('a1').namespace).toBe('tenant-a1');
    expect(root.tenantName).toBe('root');
    expect(root.isRoot).toBe(true);
    expect(root.children.map((t) => t.tenantName)).toEqual(['a1']);
    expect(root.children[0]!.isRoot).toBe(false);
  });

  it('a child named root would have the namespace tenant-root, which is the root tenant', () => {
    expect(problems(() => platformOf().rootTenant.addTenant('root'))).toContain("Tenant tenant-root/root name [duplicate-namespace] namespace tenant-root is already tenant root's");
  });

  it('a second tenant of the same name in the same parent', () => {
    const root = platformOf().rootTenant;
    root.addTenant('a');
    expect(problems(() => root.addTenant('a'))).toEqual(expect.arrayContaining(["Tenant tenant-root/a name [duplicate-tenant] tenant 'a' already exists in tenant-root"]));
  });

  it('a namespace longer than 63 characters', () => {
    const name = 'a'.repeat(57); // tenant- + 57 = 64
    expect(problems(() => platformOf().rootTenant.addTenant(name, { host: 'long.example.org' }))).toEqual([`Tenant tenant-root/${name} name [namespace-too-long] namespace 'tenant-${name}' is longer than 63 characters (64)`]);
    expect(platformOf().rootTenant.addTenant('a'.repeat(56), { host: 'long.example.org' }).namespace).toHaveLength(63);
  });
});

describe("a tenant's settings", () => {
  it('the services, and isolated and gateway where the release has them, are true or false', () => {
    // The v1.6.2 Tenant schema (releases/v1.6.2/apps.json) has gateway and no isolated; 0.41.11 the reverse.
    expect(problems(() => platformOf({}).rootTenant.addTenant('a', { etcd: 'yes', ingress: 1, monitoring: 'x', seaweedfs: 0, gateway: null } as never))).toEqual([
      'Tenant tenant-root/a etcd [invalid-type] expected true or false, got "yes"',
      'Tenant tenant-root/a ingress [invalid-type] expected true or false, got 1',
      'Tenant tenant-root/a monitoring [invalid-type] expected true or false, got "x"',
      'Tenant tenant-root/a seaweedfs [invalid-type] expected true or false, got 0',
      'Tenant tenant-root/a gateway [invalid-type] expected true or false, got null',
    ]);
    expect(problems(() => platformOf().rootTenant.addTenant('a', { isolated: 'no' } as never))).toEqual(['Tenant tenant-root/a isolated [invalid-type] expected true or false, got "no"']);
  });

  it('a key the release\'s tenant chart does not have is only an unknown key (a warning), whatever its value', () => {
    const p = platformOf();
    p.rootTenant.addTenant('a', { gateway: 'x' } as never);
    expect(p.warnings).toEqual(["Tenant tenant-root/a gateway: unknown key 'gateway': the tenant chart does not use it [unknown-key]"]);
    const q = platformOf({});
    q.rootTenant.addTenant('a', { isolated: 'no' } as never);
    expect(q.warnings).toEqual([expect.stringMatching(/^Tenant tenant-root\/a isolated: unknown key 'isolated': the tenant chart does not use it.* \[unknown-key\]$/)]);
  });

  it('unknown keys: a warning with the nearest key, an error under strict', () => {
    const p = platformOf();
    p.rootTenant.addTenant('a', { ingres: true } as never);
    expect(p.warnings).toEqual(["Tenant tenant-root/a ingres: unknown key 'ingres': the tenant chart does not use it (did you mean 'ingress'?) [unknown-key]"]);
    expect(problems(() => platformOf({ ...V041, strict: true }).rootTenant.addTenant('a', { ingres: true } as never))).toEqual(["Tenant tenant-root/a ingres [unknown-key] unknown key 'ingres': the tenant chart does not use it (did you mean 'ingress'?)"]);
  });

  it('schedulingClass is a string, where the tenant chart has it (v1.x)', () => {
    expect(problems(() => platformOf({}).rootTenant.addTenant('a', { schedulingClass: 3 } as never))).toEqual(['Tenant tenant-root/a schedulingClass [invalid-type] expected a string, got 3']);
    expect(platformOf({}).rootTenant.addTenant('a', { schedulingClass: 'gold' }).schedulingClass).toBe('gold');
  });

  it('host is a DNS name; an empty host is the derived one', () => {
    expect(problems(() => platformOf().rootTenant.addTenant('a', { host: 'Not_A.Host' }))).toEqual(["Tenant tenant-root/a host [invalid-host] 'Not_A.Host' is not a valid DNS name (lowercase labels separated by dots)"]);
    expect(problems(() => platformOf().rootTenant.addTenant('a', { host: 5 } as never))).toEqual(["Tenant tenant-root/a host [invalid-host] '5' is not a valid DNS name (lowercase labels separated by dots)"]);
    expect(platformOf().rootTenant.addTenant('a', { host: '' }).host).toBe('a.example.org');
  });

  it('a derived host must be a DNS name too (a label is at most 63 characters)', () => {
    const name = 'a'.repeat(64);
    expect(problems(() => platformOf().rootTenant.addTenant(name))).toEqual([
      `Tenant tenant-root/${name} name [namespace-too-long] namespace 'tenant-${name}' is longer than 63 characters (71)`,
      `Tenant tenant-root/${name} name [invalid-host] host '${name}.example.org' is not a valid DNS name`,
    ]);
  });

  it('resourceQuotas: a map of resource names to quantities, none negative', () => {
    const quotas = { cpu: -1, memory: '-1Gi', 'requests.cpu': '1', 'a b': '1', requests: '1', storage: 'lots', pods: Number.POSITIVE_INFINITY, 'nvidia.com/gpu': 2 };
    expect(problems(() => platformOf().rootTenant.addTenant('a', { resourceQuotas: quotas } as never))).toEqual([
      'Tenant tenant-root/a resourceQuotas.cpu [invalid-quantity] -1 is negative; a quota must be zero or more',
      'Tenant tenant-root/a resourceQuotas.memory [invalid-quantity] "-1Gi" is negative; a quota must be zero or more',
      `Tenant tenant-root/a resourceQuotas["a b"] [invalid-quota] 'a b' is not a resource name (nested requests/limits maps are not accepted)`,
      "Tenant tenant-root/a resourceQuotas.requests [invalid-quota] 'requests' is not a resource name (nested requests/limits maps are not accepted)",
      'Tenant tenant-root/a resourceQuotas.storage [invalid-quantity] "lots" is not a quantity (expected e.g. \'4\', \'500m\', \'8Gi\')',
      "Tenant tenant-root/a resourceQuotas.pods [invalid-quantity] Infinity is not a quantity (expected e.g. '4', '500m', '8Gi')",
    ]);
    for (const bad of [[], null, 'x']) {
      expect(problems(() => platformOf().rootTenant.addTenant('a', { resourceQuotas: bad } as never))).toEqual([`Tenant tenant-root/a resourceQuotas [invalid-type] expected a map of resource name to quantity, got ${JSON.stringify(bad)}`]);
    }
    expect(platformOf().rootTenant.addTenant('a', { resourceQuotas: { cpu: 0, memory: '0' } }).settings.resourceQuotas).toEqual({ cpu: 0, memory: '0' });
  });
});

describe('where a tenant can be made', () => {
  it('only in a Tenant or a Platform', () => {
    const app = new App();
    expect(() => new Tenant(new Construct(app, 'x'), 'a')).toThrow(new Error("Tenant 'a': scope x is neither a Tenant nor a Platform; use platform.rootTenant.addTenant()"));
  });

  it('Tenant.of finds the nearest tenant, and names a construct outside one', () => {
    const p = platformOf();
    const a = p.rootTenant.addTenant('a');
    expect(Tenant.of(new Construct(a, 'c'))).toBe(a);
    expect(Tenant.of(p.rootTenant)).toBe(p.rootTenant);
    expect(() => Tenant.of(p)).toThrow(new Error('platform: not inside a Tenant; place apps in a tenant (e.g. platform.rootTenant)'));
    expect(Tenant.isTenant(p)).toBe(false);
  });
});

describe('Tenant.addApp: an apps.cozystack.io/v1alpha1 manifest', () => {
  const manifest = (m: Record<string, unknown>) => ({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Postgres', metadata: { name: 'db' }, spec: {}, ...m }) as never;

  it('each problem of the manifest, in one report', () => {
    const root = platformOf().rootTenant;
    expect(problems(() => root.addApp(manifest({ apiVersion: 'apps.cozystack.io/v1', metadata: { name: '' }, spec: [] })))).toEqual([
      'Postgres tenant-root/ apiVersion [invalid-api-version] expected apps.cozystack.io/v1alpha1, got "apps.cozystack.io/v1"',
      'Postgres tenant-root/ metadata.name [required] a name is required',
      'Postgres tenant-root/ spec [invalid-type] expected a map, got []',
    ]);
    expect(problems(() => root.addApp(manifest({ metadata: { name: 3, namespace: 'tenant-x' } })))).toEqual([
      'Postgres tenant-root/3 metadata.name [invalid-type] expected a string, got 3',
      'Postgres tenant-root/3 metadata.namespace [namespace-mismatch] is tenant-x, but the app is placed in tenant-root',
    ]);
    // A null spec is no spec (AppManifest: spec @default {}).
    expect(problems(() => root.addApp(manifest({ spec: null, metadata: { name: null } })))).toEqual(['Postgres tenant-root/? metadata.name [required] a name is required']);
  });

  it('a manifest that is nothing is named ? and every problem is reported', () => {
    expect(problems(() => platformOf().rootTenant.addApp(undefined as never))).toEqual([
      '? tenant-root/? apiVersion [invalid-api-version] expected apps.cozystack.io/v1alpha1, got undefined',
      '? tenant-root/? metadata.name [required] a name is required',
      expect.stringMatching(/^\? tenant-root\/\? kind \[unknown-kind\] /),
    ]);
  });

  it('a Tenant manifest makes a child tenant; its problems are named by document paths', () => {
    const root = platformOf().rootTenant;
    const t = root.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Tenant', metadata: { name: 'a', namespace: 'tenant-root' }, spec: { etcd: true } });
    expect(Tenant.isTenant(t) && t.namespace).toBe('tenant-a');
    expect(root.children[0]!.settings).toEqual({ etcd: true });
    expect(problems(() => root.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Tenant', metadata: { name: 'b-c' }, spec: { etcd: 'x' } as never }))).toEqual([
      "Tenant tenant-root/b-c metadata.name [invalid-tenant-name] 'b-c' is not a valid tenant name (lowercase letters and digits only, no '-')",
      'Tenant tenant-root/b-c spec.etcd [invalid-type] expected true or false, got "x"',
    ]);
  });

  it('another kind makes the ManagedApp, with the credentials Secret the annotation names', () => {
    const root = platformOf().rootTenant;
    const a = root.addApp(manifest({ metadata: { name: 'db', annotations: { 'cdk8s.cozystack.io/credentials-secret': 'db-creds' } }, spec: { users: { app: { password: 'pw' } } } }));
    expect(ManagedApp.isManagedApp(a)).toBe(true);
    const hr = collectObjects(root.node.root as App).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'postgres-db')!;
    expect(hr.spec).toMatchObject({ valuesFrom: expect.arrayContaining([{ kind: 'Secret', name: 'db-creds', valuesKey: 'users.app.password', targetPath: 'users.app.password' }]) });
    // An annotation that is no string names no Secret: the credentials go to the library's own.
    root.addApp(manifest({ metadata: { name: 'db2', annotations: { 'cdk8s.cozystack.io/credentials-secret': 7 } }, spec: { users: { app: { password: 'pw' } } } }));
    const hr2 = collectObjects(root.node.root as App).find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'postgres-db2')!;
    expect(hr2.spec).toMatchObject({ valuesFrom: expect.arrayContaining([{ kind: 'Secret', name: 'postgres-db2-credential-values', valuesKey: expect.any(String) }]) });
  });

  it('a kind the release does not know', () => {
    expect(problems(() => platformOf().rootTenant.addApp(manifest({ kind: 'NoSuchKind' })))).toEqual([expect.stringMatching(/^NoSuchKind tenant-root\/db kind \[unknown-kind\] /)]);
  });
});

describe('manifestProblemsAlone: a manifest checked without a tenant', () => {
  const m = (x: Record<string, unknown>) => ({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Postgres', metadata: { name: 'db', namespace: 'tenant-a' }, spec: {}, ...x }) as never;
  const alone = (x: Record<string, unknown>, version?: string) => manifestProblemsAlone(m(x), version ? releaseProfile(version) : undefined).map((p) => `${p.path} [${p.rule}] ${p.message}`);

  it('name and spec', () => {
    expect(alone({ metadata: { name: '' }, spec: [] })).toEqual(['metadata.name [required] a name is required', 'spec [invalid-type] expected a map, got []']);
    expect(alone({ metadata: { name: 5 } })).toEqual(['metadata.name [invalid-type] expected a string, got 5']);
    expect(alone({ metadata: { name: 'Bad_Name' } })).toEqual(["metadata.name [invalid-name] 'Bad_Name' is not a valid name (lowercase letters, digits and '-', starting and ending alphanumeric)"]);
    expect(alone({})).toEqual([]);
  });

  it("the subject names the manifest's namespace and name, or ?", () => {
    expect(manifestProblemsAlone(m({ metadata: { name: '', namespace: 'tenant-a' } }))[0]!.subject).toBe('Postgres tenant-a/');
    expect(manifestProblemsAlone({ kind: 'Postgres', spec: [] } as never)[0]!.subject).toBe('Postgres ?/?');
  });

  it("the values against the chart's schema, at document paths", () => {
    expect(alone({ spec: { replicas: 'two' } })).toEqual(['spec.replicas [type] expected an integer, got string "two"']);
  });

  it("a Tenant: its name and settings (at the release's keys), at document paths", () => {
    expect(alone({ kind: 'Tenant', metadata: { name: 'a-b' }, spec: { etcd: 'x', gateway: 'y' } })).toEqual([
      "metadata.name [invalid-tenant-name] 'a-b' is not a valid tenant name (lowercase letters and digits only, no '-')",
      'spec.etcd [invalid-type] expected true or false, got "x"',
      'spec.gateway [invalid-type] expected true or false, got "y"',
    ]);
    expect(alone({ kind: 'Tenant', metadata: { name: 'ab' }, spec: { gateway: 'y' } }, '0.41.11')).toEqual([]);
    expect(alone({ kind: 'Tenant', metadata: { name: 'ab' }, spec: 'x' })).toEqual(['spec [invalid-type] expected a map, got "x"']);
  });

  it('only a kind no release knows is a problem by itself; a kind of another release is not', () => {
    expect(alone({ kind: 'NoSuchKind' })).toEqual([expect.stringMatching(/^kind \[unknown-kind\] /)]);
    expect(V1_ONLY_KIND, 'a kind of one release only').toBeDefined();
    for (const v of ['0.41.11', '1.6.2']) expect(alone({ kind: V1_ONLY_KIND, metadata: { name: 'x' } }, v)).toEqual([]);
  });
});

describe("a ManagedApp's own checks", () => {
  it('its name is a DNS label, and its release name at most 53 characters', () => {
    const root = platformOf().rootTenant;
    expect(problems(() => new Postgres(root, 'Bad_Name', {}))).toEqual(["Postgres tenant-root/Bad_Name metadata.name [invalid-name] 'Bad_Name' is not a valid name (lowercase letters, digits and '-', starting and ending alphanumeric)"]);
    const long = 'a'.repeat(44); // postgres- + 44 = 53
    expect(new Postgres(root, long, {}).releaseName).toHaveLength(53);
    expect(problems(() => new Postgres(root, `${long}b`, {}))).toEqual([`Postgres tenant-root/${long}b metadata.name [name-too-long] release name 'postgres-${long}b' is longer than 53 characters`]);
  });

  it('a module (no release prefix) is named as its chart', () => {
    const root = platformOf().rootTenant;
    const def = appDefinitionOf('Etcd', releaseProfile('0.41.11'))!;
    expect(def.prefix).toBe('');
    expect(problems(() => new ManagedApp(root, 'my-etcd', { definition: def }))).toContain("Etcd tenant-root/my-etcd metadata.name [invalid-name] a Etcd module must be named 'etcd'");
  });

  it('values are a map; keys starting with _ are the platform\'s', () => {
    const root = platformOf().rootTenant;
    const def = appDefinitionOf('Postgres', releaseProfile('0.41.11'))!;
    expect(problems(() => new ManagedApp(root, 'a', { definition: def, values: [] as never }))).toEqual(['Postgres tenant-root/a spec [invalid-type] expected a map of values, got []']);
    expect(problems(() => new Postgres(root, 'b', { _cluster: {}, _namespace: {} } as never))).toEqual(expect.arrayContaining([
      'Postgres tenant-root/b spec._cluster [reserved-key] keys starting with _ are reserved for the platform',
      'Postgres tenant-root/b spec._namespace [reserved-key] keys starting with _ are reserved for the platform',
    ]));
  });

  it('credentialsSecret is a Secret name', () => {
    expect(problems(() => new Postgres(platformOf().rootTenant, 'db', { credentialsSecret: 'Bad Name' }))).toEqual(["Postgres tenant-root/db credentialsSecret [invalid-name] 'Bad Name' is not a valid Secret name"]);
  });

  it('an app outside any tenant is refused, naming where it was made', () => {
    const p = platformOf();
    expect(problems(() => new Postgres(p, 'db', {}))).toEqual(["Postgres ?/db  [not-in-tenant] must be created in a Tenant or a construct inside one (e.g. new Postgres(platform.rootTenant, 'db')), not in platform"]);
  });
});

describe('appProps: the options apart, everything else the chart values', () => {
  it('splits credentialsSecret and credentialsSecretKeys from the values', () => {
    expect(appProps({ replicas: 2, credentialsSecret: 's', credentialsSecretKeys: { k: 'a.b' }, users: {} })).toEqual({ values: { replicas: 2, users: {} }, credentialsSecret: 's', credentialsSecretKeys: { k: 'a.b' } });
    expect(appProps(undefined as never)).toEqual({ values: {} });
  });
});

describe('nulls in values reach the HelmRelease (a null deletes a chart default)', () => {
  it('at any depth, in lists, and under keys with ~ and /', () => {
    const root = platformOf().rootTenant;
    // Keys the schema does not know are only warnings, so any value reaches the HelmRelease.
    const db = new Postgres(root, 'db', { resources: null, backup: { schedule: null }, extra: { 'a/b~c': null, list: [null, 'x', [null]], map: { x: null } } } as never);
    const hr = collectObjects(root.node.root as App).find((o: KubeObject) => o.kind === 'HelmRelease' && o.metadata.name === db.releaseName)!;
    expect((hr.spec as { values: unknown }).values).toEqual({ resources: null, backup: { schedule: null }, extra: { 'a/b~c': null, list: [null, 'x', [null]], map: { x: null } } });
  });
});

describe('credentials read from an existing Secret of the user', () => {
  it('are named in a warning with their keys, and read back with targetPath', () => {
    const p = platformOf();
    const db = new Postgres(p.rootTenant, 'db', { users: { app: { password: 'pw' }, ro: { password: 'pw2' } }, credentialsSecret: 'db-creds' });
    expect(p.warnings).toEqual(['Postgres tenant-root/db: credentials spec.users.app.password, spec.users.ro.password read from the existing Secret tenant-root/db-creds (keys users.app.password, users.ro.password)']);
    const hr = collectObjects(p.node.root as App).find((o) => o.kind === 'HelmRelease' && o.metadata.name === db.releaseName)!;
    expect((hr.spec as { values: unknown }).values).toEqual({ users: { app: {}, ro: {} } });
  });
});

// Written after the StrykerJS run of tenant.ts and managed-app.ts (docs/testing.md, seventh round):
// each case kills survivors of that run.
describe('what the checks skip, and the paths and owners they name', () => {
  it('an invalid name is only that: no namespace, group or host problem derived from it', () => {
    const root = platformOf().rootTenant;
    root.addTenant('a').addTenant('b');
    root.addTenant('x');
    // tenant-a-b is a's child's namespace; tenant-x-super-admin (the admin group of a tenant-x-super) is x's super-admin group.
    for (const name of ['a-b', 'x-super']) {
      expect(problems(() => root.addTenant(name))).toEqual([`Tenant tenant-root/${name} name [invalid-tenant-name] '${name}' is not a valid tenant name (lowercase letters and digits only, no '-')`]);
    }
  });

  it("the root tenant's problems are named Tenant tenant-root, at rootTenant. paths", () => {
    expect(problems(() => platformOf({ ...V041, rootTenant: { etcd: 'x' } as never }))).toEqual(['Tenant tenant-root rootTenant.etcd [invalid-type] expected true or false, got "x"']);
  });

  it('a host of exactly 63 characters is accepted; a longer derived one is reported at name, a given one at host', () => {
    const root = platformOf().rootTenant;
    expect(root.addTenant('a', { host: `${'h'.repeat(51)}.example.org` }).host).toHaveLength(63);
    const name = 'n'.repeat(52); // n...n.example.org: 64
    expect(problems(() => root.addTenant(name))).toEqual([`Tenant tenant-root/${name} name [host-too-long] host '${name}.example.org' is longer than 63 characters (it is written as a namespace label value)`]);
    const given = `${'g'.repeat(40)}.${'g'.repeat(20)}.example.org`;
    expect(problems(() => root.addTenant('b', { host: given }))).toEqual([`Tenant tenant-root/b host [host-too-long] host '${given}' is longer than 63 characters (it is written as a namespace label value)`]);
  });

  it('a host that is not a DNS name is reported once, whatever its length', () => {
    const bad = `${'A'.repeat(70)}.org`;
    expect(problems(() => platformOf().rootTenant.addTenant('a', { host: bad }))).toEqual([`Tenant tenant-root/a host [invalid-host] '${bad}' is not a valid DNS name (lowercase labels separated by dots)`]);
  });

  it('an empty host is the derived one, and the derived one is checked', () => {
    const name = 'a'.repeat(64);
    expect(problems(() => platformOf().rootTenant.addTenant(name, { host: '' }))).toContain(`Tenant tenant-root/${name} name [invalid-host] host '${name}.example.org' is not a valid DNS name`);
  });

  it('a host claimed twice names the first owner, at host', () => {
    const root = platformOf().rootTenant;
    root.addTenant('a', { host: 'shop.example.org' });
    expect(problems(() => root.addTenant('b', { host: 'shop.example.org' }))).toEqual(["Tenant tenant-root/b host [duplicate-host] host 'shop.example.org' is already claimed by tenant tenant-a"]);
  });

  it("the platform's service hosts and a tenant's Grafana and S3 hosts are named by their owner", () => {
    const root = platformOf().rootTenant;
    expect(problems(() => root.addTenant('api'))).toEqual([expect.stringContaining("the platform's api")]);
    const a = root.addTenant('a', { monitoring: true, seaweedfs: true });
    expect(problems(() => a.addTenant('grafana'))).toEqual([expect.stringContaining('the monitoring of tenant tenant-a')]);
    expect(problems(() => a.addTenant('s3'))).toEqual([expect.stringContaining('the seaweedfs of tenant tenant-a')]);
    // Only the root's host has the platform's service hosts under it.
    expect(a.addTenant('api').host).toBe('api.a.example.org');
  });

  it('a tenant sits in its parent (the root in the Platform); one whose name an app of the parent has sits in the construct Tenant', () => {
    const p = platformOf();
    expect(p.rootTenant.node.path).toBe('platform/tenant-root');
    new Postgres(p.rootTenant, 'a', {});
    expect(p.rootTenant.addTenant('a').node.path).toBe('platform/tenant-root/Tenant/a');
    expect(p.rootTenant.addTenant('b').node.path).toBe('platform/tenant-root/b');
  });

  it('resource names: a prefix and a name of one character each; limits, like requests, is no resource name', () => {
    const root = platformOf().rootTenant;
    expect(root.addTenant('a', { resourceQuotas: { 'x/y': 1, z: '1' } }).settings.resourceQuotas).toEqual({ 'x/y': 1, z: '1' });
    expect(problems(() => root.addTenant('b', { resourceQuotas: { limits: '1' } } as never))).toEqual(["Tenant tenant-root/b resourceQuotas.limits [invalid-quota] 'limits' is not a resource name (nested requests/limits maps are not accepted)"]);
  });
});

describe('addApp and manifestProblemsAlone: manifests without metadata, kind or a map spec', () => {
  it('addApp: no metadata is a missing name; a spec that is no object is refused', () => {
    const root = platformOf().rootTenant;
    expect(problems(() => root.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Postgres' } as never))).toEqual(['Postgres tenant-root/? metadata.name [required] a name is required']);
    expect(problems(() => root.addApp({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Postgres', metadata: { name: 'db' }, spec: 'x' } as never))).toEqual(['Postgres tenant-root/db spec [invalid-type] expected a map, got "x"']);
  });

  it('manifestProblemsAlone: nothing at all, no metadata, no kind', () => {
    const alone = (m: unknown) => manifestProblemsAlone(m as never).map((p) => `${p.subject} ${p.path} [${p.rule}] ${p.message}`);
    expect(alone(undefined)).toEqual(['? ?/? metadata.name [required] a name is required', expect.stringMatching(/^\? \?\/\? kind \[unknown-kind\] /)]);
    expect(alone({ kind: 'Postgres' })).toEqual(['Postgres ?/? metadata.name [required] a name is required']);
    expect(alone({ kind: 'Postgres', metadata: { name: null } })).toEqual(['Postgres ?/? metadata.name [required] a name is required']);
    expect(alone({ metadata: { name: 'x' } })).toEqual([expect.stringMatching(/^\? \?\/x kind \[unknown-kind\] unknown kind "undefined": /)]);
  });

  it('manifestProblemsAlone: a Tenant without a name, or with one that is no string, is not also an invalid tenant name', () => {
    const alone = (m: unknown) => manifestProblemsAlone(m as never).map((p) => `${p.path} [${p.rule}]`);
    expect(alone({ kind: 'Tenant', metadata: { name: '' } })).toEqual(['metadata.name [required]']);
    expect(alone({ kind: 'Tenant', metadata: { name: 5 } })).toEqual(['metadata.name [invalid-type]']);
  });

  it('manifestProblemsAlone: a spec that is no map is not also checked against the schema', () => {
    expect(manifestProblemsAlone({ apiVersion: 'apps.cozystack.io/v1alpha1', kind: 'Postgres', metadata: { name: 'db' }, spec: 'x' } as never).map((p) => `${p.path} [${p.rule}]`)).toEqual(['spec [invalid-type]']);
  });
});

describe("a ManagedApp's problems: headings, paths and where it sits", () => {
  it('the report is headed invalid <Kind>', () => {
    const root = platformOf().rootTenant;
    expect(() => new Postgres(root, 'Bad_Name', {})).toThrow(/^invalid Postgres/);
    // A kind of the catalog that 0.41.11 does not have, at a 0.41.11 platform.
    const kind = V1_ONLY_KIND;
    const def = appDefinitionOf(kind, releaseProfile('1.6.2'))!;
    expect(() => new ManagedApp(root, 'x', { definition: def })).toThrow(new RegExp(`^invalid ${kind}`));
    expect(problems(() => new ManagedApp(root, 'x', { definition: def }))).toEqual([expect.stringMatching(new RegExp(`^${kind} tenant-root/x kind \\[kind-not-in-release\\] `))]);
  });

  it('values that are no map are not also checked against the schema', () => {
    const def = appDefinitionOf('Postgres', releaseProfile('0.41.11'))!;
    expect(problems(() => new ManagedApp(platformOf().rootTenant, 'a', { definition: def, values: 'x' as never }))).toEqual(['Postgres tenant-root/a spec [invalid-type] expected a map of values, got "x"']);
  });

  it('a kind the platform does not serve, and a service nobody runs, are reported at kind and at the app', () => {
    const p = platformOf({ ...V041, rootTenant: { etcd: false } });
    const got = problems(() => new ManagedApp(p.rootTenant, 'k', { definition: appDefinitionOf('Kubernetes', releaseProfile('0.41.11'))! }));
    expect(got).toContain("Kubernetes tenant-root/k  [missing-service] Kubernetes needs the tenant service 'etcd', and neither tenant-root nor any ancestor runs it; set etcd: true on tenant-root or an ancestor");
    const d = platformOf({ ...V041, bundle: Bundle.DISTRO_HOSTED });
    expect(problems(() => new Postgres(d.rootTenant, 'db', {}))).toEqual([expect.stringMatching(/^Postgres tenant-root\/db kind \[kind-not-served\] the platform does not serve Postgres: component postgres-rd is not installed in bundle distro-hosted$/)]);
  });

  it('duplicates: the app, the construct and the release, each at metadata.name', () => {
    const root = platformOf().rootTenant;
    new Postgres(root, 'db', {});
    expect(problems(() => new Postgres(root, 'db', {}))).toEqual(["Postgres tenant-root/db metadata.name [duplicate-app] Postgres 'db' already exists in tenant-root", 'Postgres tenant-root/db metadata.name [duplicate-release] HelmRelease tenant-root/postgres-db is already Postgres db']);
    const grp = new Construct(root, 'grp');
    new Postgres(grp, 'x', {});
    expect(problems(() => new ManagedApp(grp, 'x', { definition: { ...appDefinitionOf('Postgres', releaseProfile('0.41.11'))!, kind: 'MySQL2', prefix: 'p2-' } }))).toEqual(expect.arrayContaining(["MySQL2 tenant-root/x metadata.name [duplicate-construct] platform/tenant-root/grp already has a construct named 'x'; give apps of the same name constructs of their own"]));
    expect(problems(() => new ManagedApp(root, 'etcd', { definition: appDefinitionOf('Etcd', releaseProfile('0.41.11'))! }))).toEqual(['Etcd tenant-root/etcd metadata.name [duplicate-release] HelmRelease tenant-root/etcd is already the etcd module of tenant tenant-root']);
  });

  it('an app made in a construct inside the tenant stays there, even when the tenant has a child of its name', () => {
    const root = platformOf().rootTenant;
    root.addTenant('a');
    const grp = new Construct(root, 'grp');
    expect(new Postgres(grp, 'a', {}).node.path).toBe('platform/tenant-root/grp/a');
    expect(new Postgres(root, 'b', {}).node.path).toBe('platform/tenant-root/b');
  });

  it("an app's host claimed twice names the first app", () => {
    const root = platformOf().rootTenant;
    new Postgres(root, 'a', { host: 'db.example.org' } as never);
    expect(problems(() => new Postgres(root, 'b', { host: 'db.example.org' } as never))).toEqual([expect.stringMatching(/^Postgres tenant-root\/b spec\.host \[.*\] .*Postgres tenant-root\/a/)]);
  });
});

describe("the library's credentials Secret", () => {
  const secretsOf = (p: Platform) => collectObjects(p.node.root as App).filter((o) => o.kind === 'Secret' && (o.metadata.labels as Record<string, string> | undefined)?.['cdk8s.cozystack.io/credentials'] === 'true');

  it('is Opaque, unannotated, and the warning says it is kept out of Git', () => {
    const p = platformOf();
    new Postgres(p.rootTenant, 'db', { users: { app: { password: 'pw' }, ro: { password: 'pw2' } } });
    const [s] = secretsOf(p);
    expect(s!.type).toBe('Opaque');
    expect(s!.metadata.annotations).toBeUndefined();
    expect(p.warnings).toContain('Postgres tenant-root/db: credentials spec.users.app.password, spec.users.ro.password moved to the Secret tenant-root/postgres-db-credential-values, written under secrets/ and kept out of Git');
  });

  it('with SOPS keys, carries the digest of its content and the warning says it is committed encrypted', () => {
    const p = platformOf({ ...V041, credentials: { sops: { age: ['age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq'] } } });
    new Postgres(p.rootTenant, 'db', { users: { app: { password: 'pw' } } });
    expect(Object.keys(secretsOf(p)[0]!.metadata.annotations as object)).toEqual(['cdk8s.cozystack.io/values-digest']);
    expect(p.warnings).toContain('Postgres tenant-root/db: credentials spec.users.app.password moved to the Secret tenant-root/postgres-db-credential-values, written under secrets/ and committed once encrypted with SOPS');
  });

  it('keys of an existing Secret given only by credentialsSecretKeys: no warning of moved credentials', () => {
    const p = platformOf();
    new Postgres(p.rootTenant, 'db', { credentialsSecret: 'mine', credentialsSecretKeys: { pw: 'users.app.password' } });
    expect(p.warnings).toEqual([]);
  });
});

describe('credentials recognised by their shape, beside those the chart marks', () => {
  // docs/safety.md: a credential the chart marks moves to the Secret (not committed), so its shape
  // is not reported; with credentials.handling inline it is committed, and reported once.
  const token = `ghp_${'a'.repeat(36)}`;
  const shapeWarnings = (p: Platform) => p.warnings.filter((w) => w.endsWith('[credential-shape]'));

  it('a marked credential that moves to the Secret is not reported by its shape', () => {
    const p = platformOf();
    new Postgres(p.rootTenant, 'db', { users: { app: { password: token } } });
    expect(shapeWarnings(p)).toEqual([]);
  });

  it('with inline handling, each marked credential is reported once, at its path (quoted where not an identifier)', () => {
    const p = platformOf({ ...V041, credentials: { handling: 'inline' } });
    new Postgres(p.rootTenant, 'db', { users: { 'my.user': { password: token } } });
    expect(shapeWarnings(p)).toEqual([
      'Postgres tenant-root/db spec.users["my.user"].password: a credential its chart marks, committed as given (credentials.handling: inline); it would be committed to Git in the HelmRelease values (the value is not shown): put it in a Secret of your own (credentialsSecret, credentialsSecretKeys) [credential-shape]',
    ]);
  });

  it('with inline handling, a shape outside the marked credentials is reported too', () => {
    const p = platformOf({ ...V041, credentials: { handling: 'inline' } });
    new Postgres(p.rootTenant, 'db', { users: { app: { password: token } }, extra: { note: token } } as never);
    expect(shapeWarnings(p).map((w) => w.split(':')[0])).toEqual(['Postgres tenant-root/db spec.users.app.password', 'Postgres tenant-root/db spec.extra.note']);
  });

  it('credentialsSecretKeys alone, without marked credentials: no warning of moved credentials', () => {
    const p = platformOf();
    new Postgres(p.rootTenant, 'db', { credentialsSecretKeys: { pw: 'users.app.password' } });
    expect(p.warnings.filter((w) => w.includes('moved to the Secret'))).toEqual([]);
  });
});

describe('more survivors of the seventh round', () => {
  it('several tenants whose names apps of the parent have share the one construct Tenant', () => {
    const root = platformOf().rootTenant;
    new Postgres(root, 'a', {});
    new Postgres(root, 'b', {});
    expect([root.addTenant('a'), root.addTenant('b')].map((t) => t.node.path)).toEqual(['platform/tenant-root/Tenant/a', 'platform/tenant-root/Tenant/b']);
  });

  it("an app's host that is another tenant's zone names that tenant", () => {
    const root = platformOf().rootTenant;
    root.addTenant('a');
    expect(problems(() => new Postgres(root, 'x', { host: 'a.example.org' } as never))).toEqual([expect.stringMatching(/^Postgres tenant-root\/x spec\.host \[.*\] .*tenant tenant-a/)]);
  });

  it('the module naming rule holds for modules without a prefix only', () => {
    const root = platformOf().rootTenant;
    const def = { ...appDefinitionOf('Etcd', releaseProfile('0.41.11'))!, kind: 'PrefixedModule', prefix: 'pm-' };
    expect(new ManagedApp(root, 'anything', { definition: def }).releaseName).toBe('pm-anything');
  });

  it('manifestProblemsAlone: a Tenant name that is no string is not checked as a tenant name', () => {
    expect(manifestProblemsAlone({ kind: 'Tenant', metadata: { name: { a: 1 } } } as never).map((p) => `${p.path} [${p.rule}]`)).toEqual(['metadata.name [invalid-type]']);
  });
});

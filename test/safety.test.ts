// Credentials stay out of the committed output; security invariants of the output hold.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Bundle, collectObjects, CozystackValidationError, GitOpsBootstrap, OUTPUT_MANIFEST, OutputRefusedError, Platform, Postgres, renderFiles, synthesize, type KubeObject } from '../lib/index.js';
import { validateCustomResource } from './support/crd-schemas.js';
import { ClickHouse, Kubernetes, Monitoring, VirtualMachine } from '../apps/index.js';
import { run } from '../lib/cli/run.js';
import { checkSecurityInvariants, type TenantFacts } from '../lib/synthesis/security-invariants.js';
import { PAAS, spec } from './support/synth.js';
import { chartValues } from './support/helm-controller.js';
import { credentialsDocument, extractCredentials } from '../lib/model/credentials.js';
import { credentialShapeOf, findCredentialShapes } from '../lib/model/credential-shapes.js';
import type { Values } from '../lib/core/values.js';

const newPlatform = (props: Record<string, unknown> = {}) => {
  const app = new App({ outdir: '/nonexistent' });
  return { app, platform: new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props }) };
};

describe('credentials', () => {
  const SECRETS = ['s3cr3t-user-pw', 'AKIA-EXAMPLE-KEY', 'very-secret-s3-key', 'restic-pw-123'];
  const build = (props: Record<string, unknown> = {}) => {
    const { app, platform } = newPlatform(props);
    const team = platform.rootTenant.addTenant('team');
    new Postgres(team, 'db', { users: { app: { password: SECRETS[0]! } }, backup: { enabled: true, s3AccessKey: SECRETS[1]!, s3SecretKey: SECRETS[2]! } });
    new ClickHouse(team, 'ch', { backup: { resticPassword: SECRETS[3]! } });
    return { app, platform };
  };

  it('no credential from the input appears anywhere in the committed output', () => {
    const files = renderFiles(build().app);
    const committed = [...files].filter(([p]) => !p.startsWith('secrets/'));
    for (const s of SECRETS) for (const [p, c] of committed) expect(c.includes(s), `${s} in ${p}`).toBe(false);
    expect(files.get('.gitignore')).toMatch(/^secrets\/$/m);
    expect(files.get('kustomization.yaml')).not.toMatch(/secrets/);
  });

  it('they go to a Secret per app, one values document the HelmRelease reads at the root, and the chart sees the same values', () => {
    const { app, platform } = build();
    const objects = collectObjects(app);
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'postgres-db-credential-values')!;
    expect(secret.metadata.namespace).toBe('tenant-team');
    expect(Object.keys(secret.stringData as object)).toEqual(['values.yaml']);
    const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'postgres-db')!;
    expect(spec(hr).valuesFrom).toEqual([{ kind: 'Secret', name: 'cozystack-values' }, { kind: 'Secret', name: 'postgres-db-credential-values', valuesKey: 'values.yaml' }]);
    // What helm-controller gives the chart (test/support/helm-controller.ts), minus the platform's _cluster/_namespace.
    expect(chartValues(hr, objects)).toEqual({ users: { app: { password: SECRETS[0] } }, backup: { enabled: true, s3AccessKey: SECRETS[1], s3SecretKey: SECRETS[2] } });
    const warning = platform.warnings.find((w) => w.startsWith('Postgres tenant-team/db: credentials'))!;
    for (const path of ['spec.users.app.password', 'spec.backup.s3AccessKey', 'spec.backup.s3SecretKey']) expect(warning).toContain(path);
    expect(warning).toMatch(/moved to the Secret tenant-team\/postgres-db-credential-values/);
    for (const s of SECRETS) expect(platform.warnings.join('\n')).not.toContain(s);
  });

  it('the files of the Secrets are apart, under secrets/', () => {
    const files = renderFiles(build().app);
    expect([...files.keys()].filter((p) => p.startsWith('secrets/'))).toEqual([
      'secrets/kustomization.yaml',
      'secrets/tenant-team/kustomization.yaml',
      'secrets/tenant-team/secret-clickhouse-ch-credential-values.yaml',
      'secrets/tenant-team/secret-postgres-db-credential-values.yaml',
    ]);
  });

  it('an existing Secret can be referenced instead', () => {
    const { app, platform } = newPlatform();
    new Postgres(platform.rootTenant, 'db', { users: { app: { password: 'x-secret' } }, credentialsSecret: 'db-creds', credentialsSecretKeys: { 'admin-pw': 'users.admin.password' } });
    const objects = collectObjects(app);
    expect(objects.filter((o) => o.kind === 'Secret' && o.metadata.name === 'db-creds')).toEqual([]);
    const hr = objects.find((o) => o.metadata.name === 'postgres-db')!;
    expect(spec(hr).valuesFrom).toEqual([
      { kind: 'Secret', name: 'cozystack-values' },
      { kind: 'Secret', name: 'db-creds', valuesKey: 'users.app.password', targetPath: 'users.app.password' },
      { kind: 'Secret', name: 'db-creds', valuesKey: 'admin-pw', targetPath: 'users.admin.password' },
    ]);
    expect(JSON.stringify(objects)).not.toContain('x-secret');
  });

  it('SOPS creation rules for the given keys; inline handling keeps values as given', () => {
    const files = renderFiles(build({ credentials: { sops: { age: ['age1example'], pgp: ['ABCDEF0123'] } } }).app);
    // sops matches path_regex against the file's path: every Secret file of secrets/, no kustomization.yaml
    // (a kustomization.yaml with a sops block is one kustomize can no longer read).
    const rule = new RegExp(/path_regex: (\S+)/.exec(files.get('.sops.yaml')!)![1]!);
    const secretsFiles = [...files.keys()].filter((p) => p.startsWith('secrets/'));
    expect(secretsFiles.filter((p) => rule.test(p))).toEqual(secretsFiles.filter((p) => /\/secret-[^/]+\.yaml$/.test(p)));
    expect(secretsFiles.filter((p) => rule.test(p))).toHaveLength(2);
    expect(files.get('.sops.yaml')).toContain('encrypted_regex: ^(data|stringData)$');
    expect(files.get('.sops.yaml')).toContain('age: age1example');
    const inline = collectObjects(build({ credentials: { handling: 'inline' } }).app);
    expect(spec(inline.find((o) => o.metadata.name === 'postgres-db')!).values).toMatchObject({ users: { app: { password: SECRETS[0] } } });
  });
});

describe('credentials reach the cluster from Git (issue 15, point 3)', () => {
  // Flux: a Kustomization with spec.decryption {provider: sops, secretRef} decrypts SOPS-encrypted
  // Secrets before applying them (kustomize-controller; the CRD of releases/v1.6.2/crds/flux). The
  // age key is a Secret in flux-system whose key ends in .agekey (README, "Credentials in Git").
  const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  const build = (props: Record<string, unknown>, gitops: boolean, path?: string) => {
    const { app, platform } = newPlatform(props);
    if (gitops) new GitOpsBootstrap(platform, 'gitops', { url: 'https://git.example/c.git', ...(path ? { path } : {}) });
    const team = platform.rootTenant.addTenant('team');
    new Postgres(team, 'db', { users: { app: { password: 'pw-1' } } });
    new Postgres(team, 'plain', {});
    return { app, platform };
  };
  const kustomizations = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Kustomization').map((o) => o.metadata.name);

  it('with SOPS keys, a Kustomization decrypts and applies secrets/ after the platform, and secrets/ is committed', () => {
    const { app, platform } = build({ credentials: { sops: { age: [AGE] } } }, true, 'clusters/a');
    const files = renderFiles(app);
    const objects = collectObjects(app);
    const k = objects.find((o) => o.kind === 'Kustomization' && o.metadata.name === 'cozystack-credentials')!;
    expect(k.metadata.namespace).toBe('flux-system');
    expect(spec(k)).toEqual({
      interval: '5m',
      path: './clusters/a/secrets',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'cozystack-gitops' },
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
      dependsOn: [{ name: 'cozystack-platform' }],
    });
    expect(validateCustomResource(k as never)).toEqual([]);
    // The folder it applies exists (a kustomization.yaml listing the Secrets) and nothing else applies it.
    expect(files.get('secrets/kustomization.yaml')).toContain('tenant-team');
    expect(files.get('kustomization.yaml')).not.toMatch(/secrets/);
    expect(files.get('.gitignore')).not.toMatch(/^secrets\/$/m);
    expect(files.has('flux-system/kustomization-cozystack-credentials.yaml')).toBe(true);
    // The HelmRelease reads the Secret without optional: helm-controller retries it until the Secret is applied.
    const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'postgres-db')!;
    expect((spec(hr).valuesFrom as { name: string; optional?: boolean }[]).find((v) => v.name === 'postgres-db-credential-values')).not.toHaveProperty('optional');
    const warning = platform.warnings.find((w) => w.startsWith('credentials Secrets'))!;
    expect(warning).toContain('tenant-team/postgres-db-credential-values (read by HelmRelease tenant-team/postgres-db)');
    expect(warning).toMatch(/sops --encrypt --in-place/);
    expect(warning).toMatch(/flux-system\/cozystack-credentials/);
    expect(warning).not.toContain('pw-1');
    // The app's own warning does not say "kept out of Git" when they are committed encrypted.
    expect(platform.warnings.find((w) => w.startsWith('Postgres tenant-team/db: credentials'))).toMatch(/written under secrets\/ and committed once encrypted with SOPS$/);
  });

  it('the same tree synthesized twice has the Kustomization once and the warning once', () => {
    const { app, platform } = build({ credentials: { sops: { age: [AGE] } } }, true);
    expect(kustomizations(collectObjects(app))).toEqual(['cozystack-platform', 'cozystack-tenants', 'cozystack-credentials']);
    expect(kustomizations(collectObjects(app))).toEqual(['cozystack-platform', 'cozystack-tenants', 'cozystack-credentials']);
    expect(platform.warnings.filter((w) => w.startsWith('credentials Secrets'))).toHaveLength(1);
  });

  it('without SOPS, nothing Flux applies reads secrets/ and a warning names every Secret that must be applied by other means', () => {
    const { app, platform } = build({}, true);
    const objects = collectObjects(app);
    expect(kustomizations(objects)).toEqual(['cozystack-platform', 'cozystack-tenants']);
    expect(objects.filter((o) => o.kind === 'Kustomization').map((o) => spec(o).path)).not.toContain('./secrets');
    expect(renderFiles(app).get('.gitignore')).toMatch(/^secrets\/$/m);
    const warning = platform.warnings.find((w) => w.startsWith('credentials Secrets'))!;
    expect(warning).toContain('tenant-team/postgres-db-credential-values (read by HelmRelease tenant-team/postgres-db)');
    expect(warning).toMatch(/nothing Flux applies delivers them/);
    expect(warning).toMatch(/kubectl apply -k <out>\/secrets/);
    expect(warning).toMatch(/credentials\.sops/);
    expect(warning).toMatch(/credentialsSecret/);
  });

  it('SOPS keys without a GitOps bootstrap: the warning says nothing applies secrets/', () => {
    const { app, platform } = build({ credentials: { sops: { age: [AGE] } } }, false);
    expect(kustomizations(collectObjects(app))).toEqual([]);
    expect(platform.warnings.find((w) => w.startsWith('credentials Secrets'))).toMatch(/no GitOps bootstrap .* applies secrets\//);
  });

  it('no credentials Secret (none in the values, an existing Secret, inline handling): no Kustomization, no warning', () => {
    for (const props of [{ credentials: { sops: { age: [AGE] } } }, { credentials: { handling: 'inline' } }]) {
      const { app, platform } = newPlatform(props);
      new GitOpsBootstrap(platform, 'gitops', { url: 'https://git.example/c.git' });
      new Postgres(platform.rootTenant, 'db', { users: { app: { password: 'pw' } }, credentialsSecret: 'mine' });
      new Postgres(platform.rootTenant, 'db2', props.credentials.handling === 'inline' ? { users: { app: { password: 'pw' } } } : {});
      expect(kustomizations(collectObjects(app))).toEqual(['cozystack-platform', 'cozystack-tenants']);
      expect(platform.warnings.filter((w) => w.startsWith('credentials Secrets'))).toEqual([]);
    }
  });

  it('a SOPS recipient that is not one is refused, naming the path and the value (it would be written into .sops.yaml)', () => {
    let error: unknown;
    try {
      newPlatform({ credentials: { sops: { age: [AGE, 'age1x\n  - path_regex: .*'], pgp: ['not-hex'] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CozystackValidationError);
    expect((error as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}]`)).toEqual(['credentials.sops.age[1] [invalid-recipient]', 'credentials.sops.pgp[0] [invalid-recipient]']);
    expect((error as CozystackValidationError).problems[1]!.message).toContain('"not-hex"');
    // With a problem of the settings: one report of both.
    try {
      newPlatform({ components: { enable: ['no-such-component'] }, credentials: { sops: { age: ['AGE1UPPER'] } } });
    } catch (e) {
      error = e;
    }
    // (The rule of the unknown component depends on the release: unknown-component or unknown-package.)
    expect((error as CozystackValidationError).problems.map((p) => p.path)).toEqual(['components.enable[0]', 'credentials.sops.age[0]']);
    expect((error as CozystackValidationError).problems[1]!.rule).toBe('invalid-recipient');
  });
});

describe('hosts stay in their zone (issue 15, point 9)', () => {
  // docs/safety.md: a tenant's host lies under its parent's and outside every other tenant's zone;
  // an app's host lies in its tenant's zone; the platform's services under the root host
  // (upstream publishing.exposedServices api, dashboard, vm-exportproxy, cdi-uploadproxy, and
  // keycloak) and each tenant's grafana.<host> (monitoring) and s3.<host> (seaweedfs) are reserved.
  const problemsOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof CozystackValidationError) return e.problems.map((p) => `${p.subject} ${p.path}: ${p.rule}`);
      throw e;
    }
    return [];
  };

  it('the hosts of the issue: grafana.a.example.org of a sibling, dashboard.example.org, an app in another tenant', () => {
    const { platform } = newPlatform();
    const root = platform.rootTenant;
    root.addTenant('a', { monitoring: true });
    expect(problemsOf(() => root.addTenant('b', { host: 'grafana.a.example.org' }))).toEqual(['Tenant tenant-root/b host: reserved-host']);
    expect(problemsOf(() => root.addTenant('c', { host: 'dashboard.example.org' }))).toEqual(['Tenant tenant-root/c host: reserved-host']);
    expect(problemsOf(() => new Kubernetes(root, 'k8s', { host: 'k8s.a.example.org' }))).toEqual(['Kubernetes tenant-root/k8s spec.host: host-in-other-zone']);
  });

  it('errors name the tenant or app, the host given and the zone expected', () => {
    const { platform } = newPlatform();
    const a = platform.rootTenant.addTenant('a');
    let error: CozystackValidationError | undefined;
    try {
      a.addTenant('b', { host: 'b.example.org' });
    } catch (e) {
      error = e as CozystackValidationError;
    }
    expect(error!.problems).toEqual([{ subject: 'Tenant tenant-a/b', path: 'host', message: "host 'b.example.org' is outside its parent tenant tenant-a's zone: expected a name under a.example.org", rule: 'host-outside-zone' }]);
    try {
      new Kubernetes(a, 'k8s', { host: 'k8s.example.org' });
    } catch (e) {
      error = e as CozystackValidationError;
    }
    expect(error!.problems[0]!.subject).toBe('Kubernetes tenant-a/k8s');
    expect(error!.problems[0]!.message).toBe("host 'k8s.example.org' is outside its tenant tenant-a's zone: expected a.example.org or a name under it");
  });

  it('what stays allowed: derived hosts at any depth, explicit hosts in the own zone, an app host in the zone, a Grafana of a monitoring module in its zone', () => {
    const { app, platform } = newPlatform();
    const a = platform.rootTenant.addTenant('a', { monitoring: true });
    const b = a.addTenant('b');
    expect(b.host).toBe('b.a.example.org');
    b.addTenant('c', { host: 'shop.b.a.example.org' });
    new Kubernetes(a, 'k8s', { host: 'k8s.a.example.org' });
    new Kubernetes(platform.rootTenant, 'k8s', { host: 'k8s.example.org' });
    new Monitoring(platform.rootTenant.addTenant('m'), 'monitoring', { host: 'grafana.m.example.org' });
    expect(() => collectObjects(app)).not.toThrow();
  });

  it('the order of declaration does not matter: a zone that would hold an earlier host is refused', () => {
    const { platform } = newPlatform();
    platform.rootTenant.addTenant('g', { host: 'z.q.example.org' });
    expect(problemsOf(() => platform.rootTenant.addTenant('q'))).toEqual(['Tenant tenant-root/q name: host-in-other-zone']);
    const other = newPlatform().platform;
    new Kubernetes(other.rootTenant, 'k8s', { host: 'k8s.team.example.org' });
    expect(problemsOf(() => other.rootTenant.addTenant('team'))).toEqual(['Tenant tenant-root/team name: host-in-other-zone']);
  });

  it('every platform service host under the root host is reserved, and each tenant service host of a tenant running it', () => {
    const { platform } = newPlatform();
    for (const s of ['api', 'dashboard', 'cdi-uploadproxy', 'vm-exportproxy', 'keycloak', 'grafana', 's3']) {
      expect(problemsOf(() => platform.rootTenant.addTenant('t', { host: `${s}.example.org` })), s).toEqual(['Tenant tenant-root/t host: reserved-host']);
    }
    const quiet = platform.rootTenant.addTenant('quiet'); // runs neither monitoring nor seaweedfs itself
    expect(problemsOf(() => quiet.addTenant('grafana'))).toEqual([]);
    const loud = platform.rootTenant.addTenant('loud', { seaweedfs: true });
    expect(problemsOf(() => loud.addTenant('s3'))).toEqual(['Tenant tenant-loud/s3 name: reserved-host']);
  });
});

describe('credentials recognised by their shape (issue 15, point 8)', () => {
  // docs/safety.md: the password of a URL's userinfo anywhere, a private key, well-known tokens by
  // prefix (AWS AKIA..., GitHub ghp_..., Slack xox.-, hooks.slack.com webhooks), a key named like a
  // credential in a free-form map (valuesOverride, components.values), a password in cloudInit:
  // a warning with the path and never the value; strict makes each an error.
  const VALUES = {
    url: 'https://bob:tok-url-1@registry.example/x',
    token: 'tok-key-2',
    aws: 'AKIAABCDEFGHIJKLMNOP',
    pem: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----',
    webhook: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX',
    cloud: '#cloud-config\nchpasswd:\n  expire: false\npassword: pw-cloud-3\n',
    components: 'pw-components-4',
  };
  const build = (strict: boolean, handling?: 'inline') => {
    const app = new App({ outdir: '/nonexistent' });
    const platform = new Platform(app, 'platform', {
      bundle: Bundle.PAAS_FULL,
      ...PAAS,
      // A release whose platform source may be a Git repository (1.6.2 reads an OCI artifact only).
      version: '0.41.11',
      strict,
      ...(handling ? { credentials: { handling } } : {}),
      source: { url: 'https://carol:tok-source-5@git.example/cozystack.git' },
      components: { values: { cilium: { hubble: { relay: { password: VALUES.components } } } } },
    } as never);
    new GitOpsBootstrap(platform, 'gitops', { url: 'https://dave:tok-git-6@git.example/c.git' });
    new Kubernetes(platform.rootTenant, 'k8s', {
      addons: {
        certManager: { valuesOverride: { mirror: VALUES.url, cloudflare: { apiToken: VALUES.token, apiTokenSecretRef: 'cf', secretName: 'cf' }, key: VALUES.pem } },
        velero: { valuesOverride: { aws: VALUES.aws, alert: VALUES.webhook } },
      },
    } as never);
    new VirtualMachine(platform.rootTenant, 'vm', { cloudInit: VALUES.cloud } as never);
    return { app, platform };
  };
  const EXPECTED = [
    ['Platform platform source.url', 'a URL with a password in its userinfo'],
    ['Platform platform components.values.cilium.hubble.relay.password', "key 'password' of a free-form map"],
    ['Kubernetes tenant-root/k8s spec.addons.certManager.valuesOverride.mirror', 'a URL with a password in its userinfo'],
    ['Kubernetes tenant-root/k8s spec.addons.certManager.valuesOverride.cloudflare.apiToken', "key 'apiToken' of a free-form map"],
    ['Kubernetes tenant-root/k8s spec.addons.certManager.valuesOverride.key', 'a private key'],
    ['Kubernetes tenant-root/k8s spec.addons.velero.valuesOverride.aws', 'an AWS access key id'],
    ['Kubernetes tenant-root/k8s spec.addons.velero.valuesOverride.alert', 'a Slack webhook URL'],
    ['VirtualMachine tenant-root/vm spec.cloudInit', 'cloud-init that sets a password'],
    ['GitOps platform/gitops url', 'a URL with a password in its userinfo'],
  ];
  const secrets = [...Object.values(VALUES), 'tok-source-5', 'tok-git-6', 'tok-url-1', 'pw-cloud-3'];

  it('each is a warning naming the path and what it looks like, never the value', () => {
    const { app, platform } = build(false);
    collectObjects(app);
    const found = platform.warnings.filter((w) => w.endsWith('[credential-shape]'));
    expect(found).toHaveLength(EXPECTED.length);
    for (const [where, what] of EXPECTED) expect(found.some((w) => w.startsWith(`${where}: `) && w.includes(what!)), where).toBe(true);
    for (const s of secrets) expect(platform.warnings.join('\n')).not.toContain(s.split('\n')[0]);
  });

  it('references to credentials are not credentials: secretName, a ...SecretRef, ssh://git@ and https:// without a password', () => {
    const { app, platform } = newPlatform({ source: { url: 'oci://ghcr.io/cozystack/platform' } });
    new GitOpsBootstrap(platform, 'gitops', { url: 'ssh://git@git.example/c.git' });
    new Kubernetes(platform.rootTenant, 'k8s', { addons: { certManager: { valuesOverride: { existingSecret: 'cf', tokenSecretRef: 'cf', secretName: 'x', webhookEnabled: 'true', url: 'https://charts.example/x' } } } } as never);
    collectObjects(app);
    expect(platform.warnings.filter((w) => w.endsWith('[credential-shape]'))).toEqual([]);
  });

  it('a credential the chart marks is moved, not warned about; with inline handling it is named as committed', () => {
    const moved = newPlatform();
    new Postgres(moved.platform.rootTenant, 'db', { users: { app: { password: 'pw-pg' } } });
    expect(moved.platform.warnings.filter((w) => w.endsWith('[credential-shape]'))).toEqual([]);
    const inline = newPlatform({ credentials: { handling: 'inline' }, strict: true });
    new Postgres(inline.platform.rootTenant, 'db', { users: { app: { password: 'pw-pg' } } });
    const w = inline.platform.warnings.filter((x) => x.endsWith('[credential-shape]'));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^Postgres tenant-root\/db spec\.users\.app\.password: a credential its chart marks, committed as given \(credentials\.handling: inline\)/);
    expect(w[0]).not.toContain('pw-pg');
  });

  it('strict makes each an error, every one of an app in one report, naming the path and never the value', () => {
    const problems: string[] = [];
    const collect = (f: () => void) => {
      try {
        f();
      } catch (e) {
        if (!(e instanceof CozystackValidationError)) throw e;
        for (const p of e.problems) {
          expect(p.rule).toBe('credential-shape');
          for (const s of secrets) expect(`${p.path} ${p.message}`).not.toContain(s.split('\n')[0]);
          problems.push(`${p.subject} ${p.path}`);
        }
      }
    };
    collect(() => build(true));
    expect(problems).toEqual(['Platform platform source.url', 'Platform platform components.values.cilium.hubble.relay.password']);
    // Without the Platform's findings, each app's come together, and the Git URL's at synth.
    const app = new App({ outdir: '/nonexistent' });
    const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, version: '0.41.11', strict: true } as never);
    new GitOpsBootstrap(platform, 'gitops', { url: 'https://dave:tok-git-6@git.example/c.git' });
    problems.length = 0;
    collect(() => new Kubernetes(platform.rootTenant, 'k8s', { addons: { certManager: { valuesOverride: { mirror: VALUES.url, cloudflare: { apiToken: VALUES.token } } } } } as never));
    collect(() => new VirtualMachine(platform.rootTenant, 'vm', { cloudInit: VALUES.cloud } as never));
    collect(() => collectObjects(app));
    expect(problems).toEqual([
      'Kubernetes tenant-root/k8s spec.addons.certManager.valuesOverride.mirror',
      'Kubernetes tenant-root/k8s spec.addons.certManager.valuesOverride.cloudflare.apiToken',
      'VirtualMachine tenant-root/vm spec.cloudInit',
      'GitOps platform/gitops url',
    ]);
  });

  it('on the command line: a warning on stderr without --strict, an error with it, the password never printed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'safety-shape-'));
    try {
      writeFileSync(join(dir, 'platform.yaml'), 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nmetadata:\n  name: platform\nspec:\n  bundle: paas-full\n  rootHost: example.org\n  apiServerEndpoint: https://api.example.org:6443\n');
      writeFileSync(join(dir, 'apps.yaml'), `apiVersion: apps.cozystack.io/v1alpha1\nkind: Kubernetes\nmetadata:\n  name: k8s\n  namespace: tenant-root\nspec:\n  addons:\n    certManager:\n      valuesOverride:\n        apiToken: ${VALUES.token}\n`);
      const warned = run(['validate', '-f', dir]);
      expect(warned.code).toBe(0);
      expect(warned.stderr).toMatch(/^warning: [^ ]*apps\.yaml#1 Kubernetes tenant-root\/k8s spec\.addons\.certManager\.valuesOverride\.apiToken: key 'apiToken' of a free-form map names a credential/m);
      const refused = run(['validate', '-f', dir, '--strict']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/apps\.yaml#1 Kubernetes tenant-root\/k8s spec\.addons\.certManager\.valuesOverride\.apiToken: .* \[credential-shape\]/);
      for (const r of [warned, refused]) expect(`${r.stdout}${r.stderr}`).not.toContain(VALUES.token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one report (issue 15, point 10)', () => {
  const PLATFORM_YAML = 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nmetadata:\n  name: platform\nspec:\n  bundle: paas-full\n  rootHost: example.org\n  apiServerEndpoint: https://api.example.org:6443\n';
  const inFolder = (files: Record<string, string>, f: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'safety-report-'));
    try {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('warnings are shown with the errors, each named by its file and document', () => {
    const apps = [
      'apiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nmetadata:\n  name: cache\n  namespace: tenant-root\nspec:\n  replicaz: 2\n',
      'apiVersion: apps.cozystack.io/v1alpha1\nkind: Postgres\nmetadata:\n  name: db\n  namespace: tenant-root\nspec:\n  replicas: many\n',
    ].join('---\n');
    inFolder({ 'platform.yaml': PLATFORM_YAML, 'apps.yaml': apps }, (dir) => {
      const r = run(['validate', '-f', dir]);
      expect(r.code).toBe(1);
      const lines = r.stderr!.split('\n');
      expect(lines[0]).toBe('error: invalid input:');
      expect(lines.some((l) => /^ {2}\S+apps\.yaml#2 Postgres tenant-root\/db spec\.replicas: .*\[type\]$/.test(l))).toBe(true);
      expect(lines.some((l) => /^warning: \S+apps\.yaml#1 Redis tenant-root\/cache spec\.replicaz: unknown key 'replicaz'/.test(l))).toBe(true);
    });
  });

  it('a bad --git-url is blamed on the flag, not on platform.yaml, and comes with the other problems', () => {
    inFolder({ 'platform.yaml': PLATFORM_YAML, 'apps.yaml': 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Postgres\nmetadata:\n  name: db\n  namespace: tenant-root\nspec:\n  replicas: many\n' }, (dir) => {
      const out = mkdtempSync(join(tmpdir(), 'safety-report-out-'));
      try {
        const r = run(['synth', '-f', dir, '--out', join(out, 'o'), '--git-url', 'git@git.example:p.git', '--git-branch', 'my branch']);
        expect(r.code).toBe(1);
        const problems = r.stderr!.split('\n').filter((l) => l.startsWith('  '));
        expect(problems).toContain("  --git-url: 'git@git.example:p.git' is not a Git URL (https:// or ssh://) [invalid-url]");
        expect(problems).toContain("  --git-branch: 'my branch' is not a valid branch name [invalid-ref]");
        expect(problems.some((l) => l.includes('platform.yaml'))).toBe(false);
        expect(problems.some((l) => /apps\.yaml#1 Postgres tenant-root\/db spec\.replicas/.test(l))).toBe(true);
        expect(readdirSync(out)).toEqual([]); // nothing written
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });

  it('the library returns the warnings as data: synthesize() and Platform.warnings', () => {
    const { app, platform } = newPlatform();
    new Postgres(platform.rootTenant, 'db', { users: { app: { password: 'pw-lib' } } });
    const out = mkdtempSync(join(tmpdir(), 'safety-report-lib-'));
    try {
      const result = synthesize(app, { outdir: join(out, 'o') });
      expect(result.warnings).toEqual(platform.warnings);
      expect(result.warnings.some((w) => w.startsWith('Postgres tenant-root/db: credentials spec.users.app.password moved to the Secret'))).toBe(true);
      expect(result.warnings.some((w) => w.startsWith('credentials Secrets tenant-root/postgres-db-credential-values'))).toBe(true);
      expect(result.warnings.join('\n')).not.toContain('pw-lib');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('security invariants', () => {
  const facts: TenantFacts = { ancestors: new Map([['tenant-root', []], ['tenant-a', ['tenant-root']], ['tenant-b', ['tenant-root']], ['tenant-a-c', ['tenant-root', 'tenant-a']]]), isolated: new Set(), explicit: false };
  const obj = (kind: string, name: string, namespace: string | undefined, extra: Record<string, unknown> = {}): KubeObject =>
    ({ apiVersion: 'v1', kind, ...extra, metadata: { name, ...(namespace ? { namespace } : {}), ...((extra.metadata as object) ?? {}) } }) as KubeObject;
  const rules = (objects: KubeObject[], f: TenantFacts = facts) => checkSecurityInvariants(objects, f).map((p) => `${p.subject}: ${p.rule}`);

  it('a privileged tenant namespace', () => {
    expect(rules([obj('Namespace', 'tenant-a', undefined, { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } })])).toEqual(['Namespace tenant-a: tenant-namespace-privileged']);
  });
  it('cluster-scoped tenant RBAC', () => {
    expect(rules([obj('ClusterRoleBinding', 'x', undefined, { subjects: [{ kind: 'Group', name: 'tenant-a-admin' }] })])).toEqual(['ClusterRoleBinding x: tenant-rbac-cluster-scoped']);
  });
  it('a tenant bound outside its own namespace and descendants', () => {
    const bind = (ns: string, subject: Record<string, string>) => obj('RoleBinding', 'r', ns, { subjects: [subject] });
    expect(rules([bind('tenant-a-c', { kind: 'ServiceAccount', name: 'tenant-a', namespace: 'tenant-a' }), bind('tenant-a', { kind: 'Group', name: 'tenant-root-super-admin' })])).toEqual([]);
    expect(rules([bind('tenant-b', { kind: 'ServiceAccount', name: 'tenant-a', namespace: 'tenant-a' })])).toEqual(['RoleBinding tenant-b/r: tenant-bound-outside']);
    expect(rules([bind('tenant-a', { kind: 'Group', name: 'tenant-a-c-view' })])).toEqual(['RoleBinding tenant-a/r: tenant-bound-outside']);
    expect(rules([bind('cozy-dashboard', { kind: 'Group', name: 'tenant-a-admin' })])).toEqual(['RoleBinding cozy-dashboard/r: tenant-bound-outside']);
  });
  it('subject names unique across the tree: a group two tenants would have, a KeycloakRealmGroup, ServiceAccount or RoleBinding made twice', () => {
    const tree: TenantFacts = { ...facts, ancestors: new Map([...facts.ancestors, ['tenant-a-super', ['tenant-root', 'tenant-a']]]) };
    expect(checkSecurityInvariants([], tree)).toEqual([
      { subject: 'Group tenant-a-super-admin', path: '', message: 'is the super-admin group of tenant-a and the admin group of tenant-a-super: the members of one would get the rights of the other', rule: 'subject-name-collision' },
    ]);
    const realm = (ns: string, name: string) => obj('KeycloakRealmGroup', name, ns, { spec: { name } });
    expect(rules([realm('tenant-a', 'tenant-a-view'), realm('tenant-b', 'tenant-a-view'), obj('ServiceAccount', 'tenant-b', 'tenant-b'), obj('ServiceAccount', 'tenant-b', 'tenant-b'), obj('RoleBinding', 'r', 'tenant-b'), obj('RoleBinding', 'r', 'tenant-b')])).toEqual([
      'Group tenant-a-view: subject-name-collision',
      'RoleBinding tenant-b/r: subject-name-collision',
      'ServiceAccount tenant-b/tenant-b: subject-name-collision',
    ]);
  });
  it('a tenant may not take a name whose groups are another tenant\'s (super under foo: tenant-foo-super-admin)', () => {
    const { platform } = newPlatform();
    const foo = platform.rootTenant.addTenant('foo');
    try {
      foo.addTenant('super');
      expect.unreachable();
    } catch (e) {
      expect((e as CozystackValidationError).problems).toEqual([
        {
          subject: 'Tenant tenant-foo/super',
          path: 'name',
          message: "tenant name 'super' would make the group tenant-foo-super-admin (its admin group), which is the super-admin group of tenant-foo: its admins would get tenant-foo's super-admin rights; choose another name",
          rule: 'subject-name-collision',
        },
      ]);
    }
    // Directly under the root (namespace tenant-super) nothing collides; nor does a deeper tenant named admin.
    const sup = platform.rootTenant.addTenant('super');
    sup.addTenant('admin').addTenant('view');
    expect(() => collectObjects(platform.node.scope as App)).not.toThrow();
  });
  it('an isolated tenant without its policies (explicit rendering)', () => {
    expect(rules([], { ...facts, isolated: new Set(['tenant-a']), explicit: true })).toEqual(['Tenant tenant-a: isolation-missing']);
  });
  it('an app in a cozy-* namespace', () => {
    expect(rules([obj('HelmRelease', 'postgres-x', 'cozy-system', { metadata: { labels: { 'apps.cozystack.io/application.kind': 'Postgres' } } })])).toEqual(['HelmRelease cozy-system/postgres-x: app-in-system-namespace']);
  });
  it('hold for the real output in both renderings', () => {
    for (const tenantRendering of ['release', 'explicit']) {
      const { app, platform } = newPlatform({ tenantRendering });
      const a = platform.rootTenant.addTenant('a', { etcd: true });
      a.addTenant('c', { isolated: false });
      platform.rootTenant.addTenant('b');
      expect(() => collectObjects(app)).not.toThrow();
    }
  });
  it('stop synthesis when a custom bundle puts a privileged component in a tenant namespace', () => {
    // Custom bundles are v0.41's (at v1.x the platform chart decides the components); a chart folder of that release.
    const evil = Bundle.DISTRO_HOSTED.with({ add: [{ name: 'evil', chart: 'evil', chartPath: 'system/cozy-proxy', namespace: 'tenant-evil', privileged: true }] });
    const app = new App({ outdir: '/nonexistent' });
    new Platform(app, 'platform', { bundle: evil, version: '0.41.11' });
    try {
      collectObjects(app);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CozystackValidationError);
      expect((e as CozystackValidationError).problems).toEqual([expect.objectContaining({ subject: 'Namespace tenant-evil', rule: 'tenant-namespace-privileged' })]);
    }
  });
});

describe('synthesize(app, { outdir }) owns its output folder as the command line does', () => {
  const small = () => {
    const app = new App({ outdir: '/nonexistent' });
    new Platform(app, 'platform', { bundle: Bundle.DISTRO_HOSTED, version: '0.41.11' });
    return app;
  };
  const refused = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(OutputRefusedError);
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('refuses an empty outdir, the current folder and its parents, and a non-empty folder it did not write unless adopt', () => {
    const ws = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-owned-'));
    try {
      expect(refused(() => synthesize(small(), { outdir: '' }))).toMatch(/^outdir is empty .*e\.g\. \{ outdir: 'dist' \}$/);
      expect(refused(() => synthesize(small(), { outdir: process.cwd() }))).toMatch(/is the current folder/);
      expect(refused(() => synthesize(small(), { outdir: dirname(process.cwd()) }))).toMatch(/is a parent of the current folder/);
      const repo = join(ws, 'repo');
      mkdirSync(join(repo, '.git'), { recursive: true });
      writeFileSync(join(repo, '.git', 'config'), '[core]\n');
      writeFileSync(join(repo, 'README.md'), 'ours\n');
      expect(refused(() => synthesize(small(), { outdir: repo }))).toMatch(/is not empty and cozystack-cdk8s did not write it .* pass \{ adopt: true \}/);
      expect(readdirSync(repo).sort()).toEqual(['.git', 'README.md']);
      const r = synthesize(small(), { outdir: repo, adopt: true });
      expect(r.files).toBeGreaterThan(10);
      const manifest = JSON.parse(readFileSync(join(repo, OUTPUT_MANIFEST), 'utf8')) as { generator: string; version: number; files: string[] };
      expect(manifest).toMatchObject({ generator: 'cozystack-cdk8s', version: 1 });
      expect(manifest.files).toEqual([...manifest.files].sort());
      expect(manifest.files).toHaveLength(r.files);
      // Once written, no adopt is needed; the user's files stay byte for byte.
      synthesize(small(), { outdir: repo });
      expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('ours\n');
      expect(readFileSync(join(repo, '.git', 'config'), 'utf8')).toBe('[core]\n');
      // An empty folder is written without adopt.
      mkdirSync(join(ws, 'empty'));
      expect(synthesize(small(), { outdir: join(ws, 'empty') }).files).toBe(r.files);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('nothing printed leaks a credential', () => {
  it('diff masks Secret data and stringData values and values at credential keys, marking changed ones', async () => {
    const { maskForDiff } = await import('../lib/cli/diff-mask.js');
    const { maskUrlUserinfo } = await import('../lib/model/credential-mask.js');
    const secret = (pw: string, other: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: ${pw}\n  b: ${other}\ndata:\n  c: ${Buffer.from(pw).toString('base64')}\n`;
    const [a, b] = maskForDiff(secret('old-pw', 'same'), secret('new-pw', 'same'));
    expect(a + b).not.toMatch(/old-pw|new-pw|same|b2xkLXB3|bmV3LXB3/);
    expect(a).toMatch(/^ {2}a: \(masked\)$/m);
    expect(b).toMatch(/^ {2}a: '?\(masked, changed\)'?$/m);
    expect(b).toMatch(/^ {2}b: '?\(masked\)'?$/m); // unchanged: no diff line
    const hr = (pw: string) => `kind: HelmRelease\nmetadata:\n  name: x\nspec:\n  values:\n    users:\n      app:\n        password: ${pw}\n    replicas: 2\n    url: https://git:${pw}-tok@example.org/repo\n`;
    const [c, d] = maskForDiff(hr('p1'), hr('p2'));
    expect(c + d).not.toMatch(/p1|p2/);
    expect(d).toContain('replicas: 2');
    expect(d).toContain('https://git:(masked, changed)@example.org/repo');
    // Nothing to mask: the texts are printed as they are.
    expect(maskForDiff('kind: ConfigMap\ndata:\n  a: 1\n', 'kind: ConfigMap\ndata:\n  a: 2\n')).toEqual(['kind: ConfigMap\ndata:\n  a: 1\n', 'kind: ConfigMap\ndata:\n  a: 2\n']);
    expect(maskUrlUserinfo('oci://ghcr.io/x and https://tok3n@h/ and ssh://u:p@h')).toBe('oci://ghcr.io/x and https://(masked)@h/ and ssh://u:(masked)@h');
  });

  it('a value error at a credential path gives the type, not the value', () => {
    const { platform } = newPlatform();
    try {
      new Postgres(platform.rootTenant, 'db', { users: { app: { password: 12345678 as unknown as string } }, backup: { s3SecretKey: { nested: 'k3y-value' } as unknown as string } });
      expect.unreachable();
    } catch (e) {
      const text = (e as Error).message + JSON.stringify((e as CozystackValidationError).problems);
      expect(text).not.toMatch(/12345678|k3y-value/);
      expect(text).toMatch(/got integer \(masked\) \(a credential path: the value is not shown\)/);
      expect(text).toMatch(/got map \(masked\)/);
    }
  });
});

describe('Flux and Kubernetes name limits, checked at synth', () => {
  const problemsOf = (f: () => unknown): readonly { subject: string; path: string; message: string; rule: string }[] => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CozystackValidationError);
      return (e as CozystackValidationError).problems;
    }
    throw new Error('no problem reported');
  };

  it('a 50-character tenant name gives a HelmRelease name over 53, all in one report naming object, origin, name and limit; a long user name no longer makes a long Secret key', () => {
    const { app, platform } = newPlatform();
    const long = `t${'x'.repeat(49)}`;
    const team = platform.rootTenant.addTenant(long);
    platform.rootTenant.addTenant(`u${'y'.repeat(49)}`);
    const user = `u${'a'.repeat(259)}`;
    new Postgres(team, 'db', { users: { [user]: { password: 'pw' } } });
    const problems = problemsOf(() => renderFiles(app));
    const hr = problems.filter((p) => p.subject.startsWith('HelmRelease tenant-root/tenant-'));
    expect(hr).toHaveLength(2);
    expect(hr[0]).toEqual({
      subject: `HelmRelease tenant-root/tenant-${long}`,
      path: 'metadata.name',
      message: `'tenant-${long}' is 57 characters, over 53, the limit of a HelmRelease name (Helm release names, helm-controller); it comes from Tenant tenant-root/${long}`,
      rule: 'name-too-long',
    });
    // The credentials are one values document under the key values.yaml, whatever the user names.
    expect(problems.filter((p) => p.subject.startsWith('Secret '))).toEqual([]);
    // Through collectObjects the same.
    expect(problemsOf(() => collectObjects(app)).map((p) => p.message)).toEqual(problems.map((p) => p.message));
  });

  it('object names, namespaces, label values and data keys of every kind', async () => {
    const { NameLimits } = await import('../lib/synthesis/name-limits.js');
    const check = (o: Record<string, unknown>) => {
      const n = new NameLimits({ releases: new Map(), namespaces: new Map([['tenant-a', 'Tenant tenant-root/a']]) });
      n.check(o as unknown as KubeObject);
      return n.finish().map((p) => `${p.path} ${p.rule}: ${p.message}`);
    };
    expect(check({ kind: 'ConfigMap', metadata: { name: 'ok', namespace: 'tenant-a', labels: { 'a.io/x': 'v' } }, data: { 'ok.key': '' } })).toEqual([]);
    expect(check({ kind: 'Namespace', metadata: { name: `tenant-${'n'.repeat(60)}` } })).toEqual([expect.stringMatching(/^metadata\.name name-too-long: 'tenant-n+' is 67 characters, over 63, the limit of a Namespace name \(a DNS label\); it comes from the platform$/)]);
    expect(check({ kind: 'Service', metadata: { name: `s${'v'.repeat(63)}`, namespace: 'tenant-a' } })).toEqual([expect.stringMatching(/over 63, the limit of a Service name .*; it comes from Tenant tenant-root\/a$/)]);
    expect(check({ kind: 'ConfigMap', metadata: { name: 'c'.repeat(254), namespace: 'tenant-a' } })).toEqual([expect.stringMatching(/^metadata\.name name-too-long: .* 254 characters, over 253/)]);
    expect(check({ kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: 'tenant-a' } })).toEqual([expect.stringMatching(/^metadata\.name invalid-name: 'Bad_Name' is not a DNS subdomain/)]);
    expect(check({ kind: 'RoleBinding', metadata: { name: 'system:x', namespace: 'tenant-a' } })).toEqual([]);
    expect(check({ kind: 'ConfigMap', metadata: { name: 'c', namespace: 'tenant-a', labels: { l: 'v'.repeat(64), m: 'bad value' } } })).toEqual([
      expect.stringMatching(/^metadata\.labels\.l name-too-long: .* 64 characters, over 63, the limit of a label value/),
      expect.stringMatching(/^metadata\.labels\.m invalid-name: 'bad value' is not a label value/),
    ]);
    expect(check({ kind: 'Secret', metadata: { name: 's', namespace: 'tenant-a' }, stringData: { 'bad key': 'x', ['k'.repeat(254)]: 'y' } })).toEqual([
      expect.stringMatching(/^stringData\.bad key invalid-name: 'bad key' is not a Secret data key/),
      expect.stringMatching(/^stringData\.k+\.\.\. name-too-long: .* 254 characters, over 253, the limit of a Secret data key/),
    ]);
    expect(check({ kind: 'HelmRelease', metadata: { name: 'ok', namespace: 'tenant-a' }, spec: { releaseName: 'r'.repeat(54) } })).toEqual([expect.stringMatching(/^spec\.releaseName name-too-long: .* 54 characters, over 53/)]);
  });
});

describe('credentials reach the chart byte for byte through Flux (issue 15, point 2)', () => {
  // Passwords helm's --set parser (valuesFrom targetPath) would change: numbers, booleans, null,
  // quotes, commas and =, brackets, backslashes, newlines, YAML 1.1 booleans, unicode.
  const PASSWORDS = ['12345678', 'true', 'null', "'quoted'", '"double"', 'a,b=c', 'x[0]', 'back\\slash', 'multi\nline\n', 'yes', 'off', '0x1F', '1e3', '~', ' lead and trail ', '#hash', 'ünïcødé 🔑', '- dash', '{not: a map}'];

  it('every password of a Postgres user arrives as given, through the values document merged at the root', () => {
    const { app, platform } = newPlatform();
    const users = Object.fromEntries(PASSWORDS.map((pw, i) => [`u${i}`, { password: pw, replication: i % 2 === 0 }]));
    new Postgres(platform.rootTenant, 'db', { users });
    const objects = collectObjects(app);
    const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'postgres-db')!;
    expect((spec(hr).valuesFrom as { targetPath?: string }[]).some((f) => f.targetPath !== undefined)).toBe(false);
    expect(JSON.stringify(spec(hr).values)).not.toContain('password');
    expect(chartValues(hr, objects).users).toEqual(users);
  });

  it('a credential inside a list moves with its whole list, which spec.values would otherwise replace', () => {
    const values: Values = { list: [{ name: 'a', password: 'p,1' }, { name: 'b' }], keep: 1 };
    const { document, values: rest } = credentialsDocument(values, [{ path: ['list', '[0]', 'password'], value: 'p,1' }]);
    expect(rest).toEqual({ keep: 1 });
    expect(JSON.parse(document)).toEqual({ list: [{ name: 'a', password: 'p,1' }, { name: 'b' }] });
  });
});

describe('credential shapes at their shortest (docs/safety.md)', () => {
  const a = (n: number, c = 'A') => c.repeat(n);
  // Each shape in its shortest form, alone and inside a longer text, and strings one short of it.
  const SHAPES: [string, string][] = [
    ['a://:b@', 'a URL with a password in its userinfo'],
    [`AKIA${a(16)}`, 'an AWS access key id'],
    ...['ghp', 'gho', 'ghu', 'ghs', 'ghr'].map((p): [string, string] => [`${p}_${a(36, 'x')}`, 'a GitHub token']),
    [`github_pat_${a(22, 'x')}`, 'a GitHub token'],
    [`glpat-${a(20, 'x')}`, 'a GitLab token'],
    ...['a', 'b', 'p', 'r', 's'].map((c): [string, string] => [`xox${c}-${a(10, 'x')}`, 'a Slack token']),
    [`hooks.slack.com/services/${a(10, 'T')}`, 'a Slack webhook URL'],
    ['-----BEGIN PRIVATE KEY-----', 'a private key'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'a private key'],
  ];
  it.each(SHAPES)('%s is %s, also inside a longer text', (s, what) => {
    expect(credentialShapeOf(s)).toBe(what);
    expect(credentialShapeOf(`see ${s} here`)).toBe(what);
  });
  it.each(['a://b@', `AKIA${a(15)}`, `ghp_${a(35, 'x')}`, `glpat-${a(19, 'x')}`, `xoxb-${a(9, 'x')}`, 'hooks.slack.com/services/T', '-----BEGIN PUBLIC KEY-----', 'https://example.org/x', 'password', ''])('%j is not a credential by shape', (s) => {
    expect(credentialShapeOf(s)).toBeUndefined();
  });
  it('a finding names its path: keys that need quoting, list items, a prefix', () => {
    const found = findCredentialShapes({ a: [{ 'b.c': 'x://u:p@h' }], d: 'safe' }, 'spec');
    expect(found).toEqual([{ path: 'spec.a[0]["b.c"]', reason: 'looks like a URL with a password in its userinfo' }]);
  });
  it('credentials at a path are taken out, with their key path; values without them are not copied', () => {
    const values = { users: { alice: { password: 'p1', name: 'a' }, bob: { password: '' } }, list: [{ password: 'p2' }], other: { x: 1 } };
    const { values: rest, credentials } = extractCredentials(values, [['users', '*', 'password'], ['list', '*', 'password']]);
    expect(credentials).toEqual([{ path: ['users', 'alice', 'password'], value: 'p1' }, { path: ['list', '[0]', 'password'], value: 'p2' }]);
    expect(rest).toEqual({ users: { alice: { name: 'a' }, bob: { password: '' } }, list: [{}], other: { x: 1 } });
    expect(values.users.alice.password).toBe('p1'); // the input is not changed
    const none = { other: { x: 1 } };
    expect(extractCredentials(none, [['users', '*', 'password']]).values).toBe(none);
  });
});

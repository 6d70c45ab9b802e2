// The command line as a user runs it: spawned processes on real files in temporary folders.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, snapshotTree, workspace } from './support/cli.js';

const dirs: string[] = [];
const ws = () => {
  const d = workspace();
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('synth', () => {
  const dir = ws();
  const first = cli(['synth', '-f', 'input', '--out', 'out'], dir);

  it('synthesizes the example and prints a one-line summary', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^synthesized \d+ objects \(.*\d+ HelmRelease.*\) into out: \d+ files, \d+ changed, in [\d.]+s\n$/);
    expect(existsSync(join(dir, 'out', 'tenants', 'tenant-foo', 'helmrelease-postgres-db.yaml'))).toBe(true);
  });

  it('a second run on unchanged input changes no byte', () => {
    const before = snapshotTree(join(dir, 'out'));
    const again = cli(['synth', '-f', 'input', '--out', 'out'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/ 0 changed/);
    const after = snapshotTree(join(dir, 'out'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [p, v] of before) expect(after.get(p)).toEqual(v); // bytes and modification times
  });

  it('an unchanged run still removes the previous tree a killed run left behind', () => {
    const leftover = join(dir, '.out.old');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(join(leftover, 'stale.yaml'), 'old\n');
    const r = cli(['synth', '-f', 'input', '--out', 'out'], dir);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/ 0 changed/) });
    expect(existsSync(leftover)).toBe(false);
  });

  it('the kustomization tree covers every synthesized file exactly once', () => {
    const files = [...snapshotTree(join(dir, 'out')).keys()];
    const manifests = files.filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.startsWith('secrets/') && !f.startsWith('.'));
    expect(files.filter((f) => !f.endsWith('.yaml'))).toEqual(['.cozystack-cdk8s-manifest.json', '.gitignore']);
    const reached: string[] = [];
    const visit = (folder: string) => {
      const k = parse(readFileSync(join(dir, 'out', folder, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
      for (const r of k.resources) {
        const p = folder ? `${folder}/${r}` : r;
        if (r.endsWith('.yaml')) reached.push(p);
        else visit(p);
      }
    };
    visit('');
    expect(reached.sort()).toEqual(manifests.sort());
    expect(new Set(reached).size).toBe(reached.length);
    // one object per file
    for (const m of manifests) expect(parseAllDocuments(readFileSync(join(dir, 'out', m), 'utf8'))).toHaveLength(1);
  });

  it('a failing input leaves the earlier tree byte-identical', () => {
    const before = snapshotTree(join(dir, 'out'));
    appendFileSync(join(dir, 'input', 'tenants.yaml'), '---\napiVersion: apps.cozystack.io/v1alpha1\nkind: Postgres\nmetadata: {name: broken, namespace: tenant-foo}\nspec: {replicas: many}\n');
    const r = cli(['synth', '-f', 'input', '--out', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tenants\.yaml#5 Postgres tenant-foo\/broken spec\.replicas: expected an integer/);
    const after = snapshotTree(join(dir, 'out'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [p, v] of before) {
      expect(after.get(p)!.content).toBe(v.content);
      expect(after.get(p)!.mtime).toBe(v.mtime);
    }
    expect(readFileSync(join(dir, 'input', 'tenants.yaml'), 'utf8')).toContain('broken');
  });
});

describe('the output folder is owned', () => {
  const MANIFEST = '.cozystack-cdk8s-manifest.json';

  it('refuses an empty --out, the current folder, a parent of it, and an output that is, contains or lies inside an input: exit 2, nothing touched', () => {
    const dir = ws();
    mkdirSync(join(dir, 'input', 'nested'));
    const before = snapshotTree(dir);
    const cases: [string[], string, RegExp][] = [
      [['--out', ''], dir, /^error: --out is empty \(an unset shell variable\?\): synth would write into the current folder; name a folder of its own, e\.g\. --out dist\n$/],
      [['--out', '.'], dir, /^error: --out \. is the current folder: synth owns its output folder/],
      [['--out', '..'], join(dir, 'input'), /^error: --out \.\. is a parent of the current folder \(/],
      [['--out', 'input'], dir, /^error: --out input is the input -f input: the output must be apart from the inputs/],
      [['--out', 'input/nested'], dir, /^error: --out input\/nested lies inside the input -f input/],
      [['--out', '.', '-f', 'input/platform.yaml'], join(dir), /^error: --out \. is the current folder/],
    ];
    for (const [args, cwd, message] of cases) {
      const r = cli(['synth', '-f', cwd === dir ? 'input' : '.', ...args], cwd);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
    // An output holding the input (the input is inside it).
    const contains = cli(['synth', '-f', 'out/input', '--out', 'out'], dir);
    expect(contains.code).toBe(2); // out/input does not exist, but would lie inside the output
    expect(contains.stderr).toMatch(/^error: --out out contains the input -f out\/input/);
    expect(snapshotTree(dir)).toEqual(before);
    // diff refuses an empty --out as well.
    expect(cli(['diff', '-f', 'input', '--out', ''], dir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--out is empty/) });
  });

  it('refuses a non-empty folder it did not write; --adopt writes into a GitOps repository root and keeps .git and the README byte for byte', () => {
    const dir = ws();
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, '.git', 'objects'), { recursive: true });
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(repo, 'README.md'), '# our platform\n');
    const userFiles = () => new Map([...snapshotTree(repo)].filter(([p]) => p.startsWith('.git/') || p === 'README.md' || p.startsWith('platform/notes')));
    const refused = cli(['synth', '-f', 'input', '--out', 'repo'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^error: repo is not empty and cozystack-cdk8s did not write it \\(it has no ${MANIFEST.replace(/\./g, '\\.')}\\); .* pass --adopt: \\.git and every file synth does not write stay as they are`));
    expect([...snapshotTree(repo).keys()].sort()).toEqual(['.git/HEAD', 'README.md']);

    const adopted = cli(['synth', '-f', 'input', '--out', 'repo', '--adopt'], dir);
    expect(adopted.code, adopted.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(repo, MANIFEST), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('kustomization.yaml');
    expect(manifest.files.some((f) => f === 'README.md' || f.startsWith('.git/'))).toBe(false);
    expect(existsSync(join(repo, '.git', 'objects'))).toBe(true); // even an empty folder of the user's stays
    // A user's file inside one of the tool's folders stays too, across changes of that folder.
    writeFileSync(join(repo, 'platform', 'notes.md'), 'why we run this\n');
    const mine = userFiles();
    expect(mine.size).toBe(3);
    const t = join(dir, 'input', 'tenants.yaml');
    writeFileSync(t, readFileSync(t, 'utf8').replace('replicas: 2', 'replicas: 3').replace(/---\napiVersion: apps.cozystack.io\/v1alpha1\nkind: Kubernetes[\s\S]*$/, ''));
    const d = cli(['diff', '-f', 'input', '--out', 'repo'], dir);
    expect(d.code).toBe(1);
    expect(d.stdout).not.toMatch(/README|notes\.md|\.git/); // not the tool's: never shown as removed
    const next = cli(['synth', '-f', 'input', '--out', 'repo'], dir); // no --adopt needed any more
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(join(repo, 'tenants', 'tenant-foo-bar', 'helmrelease-kubernetes-dev.yaml'))).toBe(false); // the tool's file it no longer writes: gone
    expect(userFiles()).toEqual(mine); // bytes and modification times
    expect(readdirSync(dir).filter((e) => e.startsWith('.repo.'))).toEqual([]);
    // A user's file at a path synth writes (not in the manifest) is refused without --adopt.
    rmSync(join(repo, 'tenants', 'tenant-foo', 'helmrelease-postgres-db.yaml'));
    writeFileSync(join(repo, MANIFEST), readFileSync(join(repo, MANIFEST), 'utf8').replace('"tenants/tenant-foo/helmrelease-postgres-db.yaml",', ''));
    writeFileSync(join(repo, 'tenants', 'tenant-foo', 'helmrelease-postgres-db.yaml'), 'mine\n');
    const clash = cli(['synth', '-f', 'input', '--out', 'repo'], dir);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/repo\/tenants\/tenant-foo\/helmrelease-postgres-db\.yaml is not a file cozystack-cdk8s wrote \(not in its manifest\), and synth now writes a file there; move it away/);
    expect(readFileSync(join(repo, 'tenants', 'tenant-foo', 'helmrelease-postgres-db.yaml'), 'utf8')).toBe('mine\n');
  });

  it('an unadopted folder: diff shows no removals and says why; a manifest that lists paths outside the folder or in .git is refused', () => {
    const dir = ws();
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'README.md'), 'hello\n');
    const d = cli(['diff', '-f', 'input', '--out', 'other'], dir);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/0 removed/);
    expect(d.stderr).toMatch(/^note: other was not written by cozystack-cdk8s/);
    for (const bad of ['../input/platform.yaml', '.git/config', '/etc/hostname']) {
      writeFileSync(join(dir, 'other', MANIFEST), JSON.stringify({ generator: 'cozystack-cdk8s', version: 1, files: [bad] }));
      const r = cli(['synth', '-f', 'input', '--out', 'other'], dir);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/other\/\.cozystack-cdk8s-manifest\.json is not a manifest cozystack-cdk8s wrote/);
    }
    expect(readFileSync(join(dir, 'other', 'README.md'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(dir, 'input', 'platform.yaml'))).toBe(true);
  });
});

describe('diff', () => {
  it('reports nothing before an edit and exactly the edit after it, with exit codes 0 and 1', () => {
    const dir = ws();
    expect(cli(['synth', '-f', 'input', '--out', 'out'], dir).code).toBe(0);
    const clean = cli(['diff', '-f', 'input', '--out', 'out'], dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('0 added, 0 removed, 0 changed\n');

    const t = join(dir, 'input', 'tenants.yaml');
    writeFileSync(t, readFileSync(t, 'utf8').replace('replicas: 2', 'replicas: 3').replace(/---\napiVersion: apps.cozystack.io\/v1alpha1\nkind: Kubernetes[\s\S]*$/, ''));
    appendFileSync(t, '---\napiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nmetadata: {name: cache, namespace: tenant-foo}\nspec: {}\n');
    const d = cli(['diff', '-f', 'input', '--out', 'out'], dir);
    expect(d.stderr).toBe('');
    expect(d.code).toBe(1);
    expect(d.stdout).toContain('+ HelmRelease tenant-foo/redis-cache (tenants/tenant-foo/helmrelease-redis-cache.yaml)');
    expect(d.stdout).toContain('- HelmRelease tenant-foo-bar/kubernetes-dev (tenants/tenant-foo-bar/helmrelease-kubernetes-dev.yaml)');
    expect(d.stdout).toContain('~ HelmRelease tenant-foo/postgres-db (tenants/tenant-foo/helmrelease-postgres-db.yaml)');
    expect(d.stdout).toMatch(/^-    replicas: 2$/m);
    expect(d.stdout).toMatch(/^\+    replicas: 3$/m);
    expect(d.stdout).toMatch(/\d+ added, \d+ removed, \d+ changed\n$/);
  });

  it('prints no credential: Secret values and values at credential keys are masked, a change still shows', () => {
    const dir = ws();
    const t = join(dir, 'input', 'tenants.yaml');
    const pg = (password: string, s3: string) =>
      readFileSync(t, 'utf8').replace(/spec:\n  replicas: 2\n  size: 10Gi\n(  users:[\s\S]*?\n)?(?=---)/, `spec:\n  replicas: 2\n  size: 10Gi\n  users: {app: {password: '${password}'}}\n  backup: {enabled: true, s3AccessKey: AKIA-${s3}, s3SecretKey: '${s3}-secret'}\n`);
    writeFileSync(t, pg('old-pw-111', 'old'));
    expect(cli(['synth', '-f', 'input', '--out', 'out'], dir).code).toBe(0);
    writeFileSync(t, pg('new-pw-222', 'new'));
    const d = cli(['diff', '-f', 'input', '--out', 'out'], dir);
    expect(d.code, d.stderr).toBe(1);
    expect(d.stdout).toContain('~ Secret tenant-foo/postgres-db-credential-values (secrets/tenant-foo/secret-postgres-db-credential-values.yaml)');
    for (const leak of ['old-pw-111', 'new-pw-222', 'AKIA-old', 'AKIA-new', 'old-secret', 'new-secret']) expect(d.stdout + d.stderr).not.toContain(leak);
    expect(d.stdout).toMatch(/^-\s+\S+: \(masked\)$/m);
    expect(d.stdout).toMatch(/^\+\s+\S+: \(masked, changed\)$/m);
    // Inline credentials (in the HelmRelease's values) are masked by their key's name.
    const p = join(dir, 'input', 'platform.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^spec:\n/m, 'spec:\n  credentials: {handling: inline}\n'));
    expect(cli(['synth', '-f', 'input', '--out', 'out'], dir).code).toBe(0);
    writeFileSync(t, pg('third-pw-333', 'third'));
    const inline = cli(['diff', '-f', 'input', '--out', 'out'], dir);
    expect(inline.code, inline.stderr).toBe(1);
    expect(inline.stdout).toContain('~ HelmRelease tenant-foo/postgres-db');
    for (const leak of ['new-pw-222', 'third-pw-333', 'AKIA-new', 'AKIA-third']) expect(inline.stdout).not.toContain(leak);
    expect(inline.stdout).toMatch(/^\+\s+password: \(masked, changed\)$/m);
  });

  it('exits 2 on invalid input', () => {
    const dir = ws();
    writeFileSync(join(dir, 'input', 'platform.yaml'), 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: nope}\n');
    expect(cli(['diff', '-f', 'input', '--out', 'out'], dir).code).toBe(2);
  });
});

describe('graph', () => {
  const dir = ws();
  it('draws components with their edges and the tenant tree with hosts and service providers (mermaid)', () => {
    const g = cli(['graph', '-f', 'input'], dir);
    expect(g.code).toBe(0);
    expect(g.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(g.stdout).toContain('c_cilium_networkpolicy --> c_cilium');
    expect(g.stdout).toContain('t_tenant_foo["tenant-foo<br/>foo.example.org<br/>etcd: own<br/>ingress: own<br/>monitoring: tenant-root<br/>seaweedfs: tenant-root"]');
    expect(g.stdout).toContain('t_tenant_foo --> t_tenant_foo_bar');
    expect(g.stdout).toContain('etcd: tenant-foo');
  });
  it('dot format', () => {
    const g = cli(['graph', '-f', 'input', '--format', 'dot'], dir);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^digraph cozystack \{/);
    expect(g.stdout).toContain('c_kubeovn -> c_cilium;');
    expect(g.stdout).toContain('t_tenant_root -> t_tenant_foo;');
  });
});

describe('validate on broken inputs', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['unknown bundle', { 'p.yaml': 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: paas-ful}\n' }, /p\.yaml#1 spec\.bundle: got "paas-ful"; expected one of "paas-full", .* \(did you mean 'paas-full'\?\)/],
    ['unknown Platform field', { 'p.yaml': 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: distro-hosted, version: "0.41.11", rootHots: x}\n' }, /p\.yaml#1 spec\.rootHots: unknown field 'rootHots' \(did you mean 'rootHost'\?\)/],
    ['no Platform', { 't.yaml': 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Tenant\nmetadata: {name: a, namespace: tenant-root}\n' }, /expected exactly one cdk8s.cozystack.io\/v1alpha1 Platform document \(or a v1\.x platform Package cozystack\.io\/v1alpha1 cozystack\.cozystack-platform\), found 0/],
    ['two Platforms', { 'p.yaml': 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: distro-hosted, version: "0.41.11"}\n---\napiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: distro-hosted, version: "0.41.11"}\n' }, /p\.yaml#1, p\.yaml#2: expected exactly one .* found 2/],
    ['paas without rootHost (0.41.11)', { 'p.yaml': 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: paas-full, version: "0.41.11"}\n' }, /p\.yaml#1 Platform platform spec\.rootHost: bundle paas-full requires rootHost/],
    ['unknown kind', { 'p.yaml': PLATFORM, 'a.yaml': app('Postgress', 'db', 'tenant-root') }, /a\.yaml#1 Postgress tenant-root\/db kind: unknown kind "Postgress".*did you mean 'Postgres'/],
    ['unknown apiVersion', { 'p.yaml': PLATFORM, 'a.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n' }, /a\.yaml#1 apiVersion: unknown apiVersion "apps\/v1"/],
    ['namespace that is not a tenant', { 'p.yaml': PLATFORM, 'a.yaml': app('Redis', 'r', 'tenant-nobody') }, /a\.yaml#1 metadata\.namespace: namespace tenant-nobody is not a tenant namespace/],
    ['duplicate object', { 'p.yaml': PLATFORM, 'a.yaml': `${app('Redis', 'r', 'tenant-root')}---\n${app('Redis', 'r', 'tenant-root')}` }, /a\.yaml#2 metadata\.name: Redis tenant-root\/r is defined twice \(also in a\.yaml#1\)/],
    ['bad tenant name', { 'p.yaml': PLATFORM, 'a.yaml': app('Tenant', 'my-team', 'tenant-root') }, /a\.yaml#1 Tenant tenant-root\/my-team metadata\.name: .*no '-'.* \[invalid-tenant-name\]/],
    ['YAML syntax', { 'p.yaml': PLATFORM, 'a.yaml': 'apiVersion: [\n' }, /a\.yaml#1 line \d+, column \d+: .*\[yaml-syntax\]/],
    ['duplicate keys', { 'p.yaml': PLATFORM, 'a.yaml': 'apiVersion: a\napiVersion: b\n' }, /a\.yaml#1 line 2, column 1: .*\[duplicate-key\]/],
    ['app needing a service nobody runs', { 'p.yaml': PLATFORM_NO_ROOT_SEAWEED, 'a.yaml': app('Bucket', 'b', 'tenant-root') }, /Bucket needs the tenant service 'seaweedfs'.*\[missing-service\]/],
  ];
  it.each(cases)('%s', (_, files, expected) => {
    const dir = ws();
    rmSync(join(dir, 'input'), { recursive: true });
    for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, f), c);
    const r = cli(['validate', ...Object.keys(files).flatMap((f) => ['-f', f])], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(expected);
  });
  it('valid input exits 0', () => {
    const r = cli(['validate', '-f', 'input'], ws());
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^valid: \d+ objects\n$/) });
  });
});

describe('catalog commands, init and help', () => {
  it('bundles lists the four bundles', () => {
    const r = cli(['bundles'], ws());
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^(paas-full|paas-hosted|distro-full|distro-hosted):/gm)).toEqual(['paas-full:', 'paas-hosted:', 'distro-full:', 'distro-hosted:']);
    expect(r.stdout).toContain('87 components, 8 optional; requires rootHost, apiServerEndpoint');
  });
  it('apps lists kinds and shows one kind with its defaults', () => {
    const d = ws();
    expect(cli(['apps'], d).stdout).toMatch(/^Postgres\s+PaaS\s+release postgres-<name>$/m);
    const one = cli(['apps', 'Redis'], d);
    expect(one.stdout).toMatch(/^Redis \(apps\.cozystack\.io\/v1alpha1, Cozystack 1\.6\.2, chart apps\/redis/);
    expect(one.stdout).toMatch(/^ {2}replicas: integer = 2$/m);
  });
  it('apps answers for the release: --version, else the Platform document of -f, else the default release', () => {
    const d = ws();
    // The default release (1.6.2) serves MariaDB and no longer MySQL (releases/v1.6.2/apps.json).
    expect(cli(['apps'], d).stdout).toMatch(/^Cozystack 1\.6\.2: 30 app kinds$/m);
    expect(cli(['apps'], d).stdout).toMatch(/^MariaDB\s+PaaS\s+release mariadb-<name>$/m);
    const removed = cli(['apps', 'MySQL'], d);
    expect(removed.code).toBe(2);
    expect(removed.stderr).toMatch(/MySQL is not an app of Cozystack 1\.6\.2: upstream removed it; use MariaDB/);
    expect(cli(['apps', 'FerretDB'], d).stderr).toMatch(/FerretDB is not an app of Cozystack 1\.6\.2: upstream removed it, with no replacement/);
    // --version 0.41.11: its catalog (releases/v0.41.11/apps.json has 26 kinds, MySQL among them, no Harbor).
    const old = cli(['apps', '--version', '0.41.11'], d);
    expect(old.stdout).toMatch(/^Cozystack 0\.41\.11: 26 app kinds$/m);
    expect(cli(['apps', 'mysql', '--version', '0.41.11'], d).stdout).toMatch(/^MySQL \(apps\.cozystack\.io\/v1alpha1, Cozystack 0\.41\.11, chart apps\/mysql, HelmRelease mysql-<name>\)$/m);
    expect(cli(['apps', 'Harbor', '--version', '0.41.11'], d).stderr).toMatch(/Harbor is not an app of Cozystack 0\.41\.11; it is an app of 1\.6\.0, 1\.6\.2/);
    // Kubernetes defaults differ: the v0.41.11 and v1.6.2 values.yaml give version v1.33 and v1.35.
    expect(cli(['apps', 'Kubernetes', '--version', '0.41.11'], d).stdout).toMatch(/^ {2}version: .* = "v1\.33"$/m);
    expect(cli(['apps', 'Kubernetes'], d).stdout).toMatch(/^ {2}version: .* = "v1\.35"$/m);
    // -f: the version of the Platform document.
    writeFileSync(join(d, 'p.yaml'), 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec: {bundle: paas-full, version: 0.41.11}\n');
    expect(cli(['apps', '-f', 'p.yaml'], d).stdout).toMatch(/^Cozystack 0\.41\.11: 26 app kinds$/m);
    expect(cli(['apps', '-f', 'p.yaml', '--version', '1.6.0'], d).stdout).toMatch(/^Cozystack 1\.6\.0: 30 app kinds$/m);
    const unknown = cli(['apps', '--version', '1.7.0'], d);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: invalid command line:\n  --version: '1.7.0' is not a release this library pins (expected one of 0.41.11, 1.6.0, 1.6.2) (did you mean '1.6.0'?) [unknown-release]\n");
  });
  it('init writes a starter that synthesizes as is, and never overwrites', () => {
    const d = ws();
    expect(cli(['init', 'starter'], d).code).toBe(0);
    expect(cli(['synth', '-f', 'starter', '--out', 'out'], d)).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(join(d, 'out', 'tenants', 'tenant-team', 'helmrelease-postgres-db.yaml'))).toBe(true);
    const again = cli(['init', 'starter'], d);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; not overwriting/);
  });
  it('every command has --help; unknown commands and options are plain errors', () => {
    const d = ws();
    for (const c of ['synth', 'validate', 'diff', 'graph', 'bundles', 'apps', 'init']) {
      const r = cli([c, '--help'], d);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: cozystack-cdk8s ${c}`));
    }
    expect(cli(['--help'], d).stdout).toMatch(/^cozystack-cdk8s: /);
    expect(cli(['synthesize'], d)).toMatchObject({ code: 2, stderr: "error: unknown command 'synthesize'; run 'cozystack-cdk8s --help'\n" });
    expect(cli(['synth', '-f', 'input', '--mdoe', 'flux'], d)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: synth: Unknown option '--mdoe'/) });
    // A flag's value outside its set is a problem of the one report (exit 1), blamed on the flag; nothing is written.
    expect(cli(['synth', '-f', 'input', '--out', 'out', '--mode', 'helm'], d)).toMatchObject({ code: 1, stdout: '', stderr: "error: invalid command line:\n  --mode: 'helm' is not a mode (expected one of flux, operator) [invalid-flag]\n" });
    expect(existsSync(join(d, 'out'))).toBe(false);
    expect(cli(['synth'], d)).toMatchObject({ code: 2, stderr: 'error: no input: give one or more -f PATH (files or folders of YAML)\n' });
  });
});

describe('options', () => {
  it('--mode operator emits Packages and no system HelmReleases', () => {
    const d = ws();
    expect(cli(['synth', '-f', 'input', '--out', 'out', '--mode', 'operator'], d).code).toBe(0);
    // The networking Package of the platform chart (its cilium and kube-ovn components), no HelmRelease of them.
    expect(existsSync(join(d, 'out', 'platform', '_cluster', 'package-cozystack.networking.yaml'))).toBe(true);
    expect(existsSync(join(d, 'out', 'platform', 'cozy-cilium', 'helmrelease-cilium.yaml'))).toBe(false);
  });
  it('--strict turns unknown app values into errors', () => {
    const d = ws();
    appendFileSync(join(d, 'input', 'tenants.yaml'), `---\n${app('Redis', 'cache', 'tenant-foo')}`.replace('spec: {}', 'spec: {replicaz: 3}'));
    const lax = cli(['validate', '-f', 'input'], d);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(/^warning: .*Redis tenant-foo\/cache spec\.replicaz: unknown key 'replicaz'.*did you mean 'replicas'/m);
    const strict = cli(['validate', '-f', 'input', '--strict'], d);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/spec\.replicaz: .*\[unknown-key\]/);
  });
  it('--git-url adds the Flux bootstrap objects', () => {
    const d = ws();
    expect(cli(['synth', '-f', 'input', '--out', 'out', '--git-url', 'https://git.example/platform.git', '--git-path', 'clusters/prod'], d).code).toBe(0);
    const k = parse(readFileSync(join(d, 'out', 'flux-system', 'kustomization-cozystack-tenants.yaml'), 'utf8')) as { spec: Record<string, unknown> };
    expect(k.spec).toMatchObject({ path: './clusters/prod/tenants', dependsOn: [{ name: 'cozystack-platform' }], sourceRef: { kind: 'GitRepository', name: 'cozystack-gitops' } });
  });
});

const PLATFORM = 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nspec:\n  bundle: paas-full\n  rootHost: example.org\n  apiServerEndpoint: https://api.example.org:6443\n';
const PLATFORM_NO_ROOT_SEAWEED = `${PLATFORM}  rootTenant: {seaweedfs: false}\n`;
function app(kind: string, name: string, namespace: string): string {
  return `apiVersion: apps.cozystack.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: {}\n`;
}

// The package as a provider installs it: packed with `npm pack`, installed into a fresh project,
// type-checked against its declarations, and run. No network: the install is `--offline` with an
// empty npm cache and an unreachable registry, the package's runtime dependencies given as local
// folders (this repository's node_modules), so any registry request would fail the test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_OWNERS, blockKey, commands, README, readmeBlocks } from './support/readme.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const project = join(work, 'project');
const runtime = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
/** npm with no registry it could reach: any request fails. */
const OFFLINE = ['--offline', '--cache', join(work, 'empty-npm-cache'), '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund'];

beforeAll(() => {
  run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  execFileSync('mkdir', [project]);
  const local = Object.fromEntries(Object.keys(runtime).map((d) => [d, `file:${join(root, 'node_modules', d)}`]));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'provider', version: '1.0.0', type: 'module', private: true, dependencies: local }));
  run('npm', ['install', ...OFFLINE, join(work, tarball)], project);
}, 240_000);

describe('npm pack', () => {
  it('installs into a fresh project and synthesizes a bundle through the public API', () => {
    // The installed package asks for exactly the dependencies given locally (nothing else was fetched).
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'cozystack-cdk8s', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).sort()).toEqual(Object.keys(runtime).sort());
    writeFileSync(
      join(project, 'main.ts'),
      [
        "import { App } from 'cdk8s';",
        "import { Bundle, Platform, synthesize, type PlatformProps } from 'cozystack-cdk8s';",
        "const props: PlatformProps = { bundle: Bundle.DISTRO_HOSTED, version: '0.41.11' };",
        'const app = new App();',
        "const platform = new Platform(app, 'platform', props);",
        "platform.rootTenant.addTenant('team');",
        "const r = synthesize(app, { outdir: 'out' });",
        'console.log(JSON.stringify(r.kinds));',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, types: [], outDir: 'build' }, files: ['main.ts'] }),
    );
    // Type-check against the shipped declarations (skipLibCheck off), then run the compiled file.
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    const out = run(process.execPath, [join(project, 'build', 'main.js')], project);
    const kinds = JSON.parse(out) as Record<string, number>;
    expect(kinds.HelmRelease).toBeGreaterThan(5);
    expect(readFileSync(join(project, 'out', 'tenants', 'tenant-root', 'helmrelease-tenant-team.yaml'), 'utf8')).toContain('name: tenant-team');
    // The command line, as `npx cozystack-cdk8s` runs it from the installed package.
    const bin = join(project, 'node_modules', '.bin', 'cozystack-cdk8s');
    expect(run(bin, ['bundles'], project)).toMatch(/^paas-full: /);
    run(bin, ['init', 'starter'], project);
    expect(run(bin, ['synth', '-f', 'starter', '--out', 'cli-out'], project)).toMatch(/^synthesized \d+ objects/);
    // The bin runs one bundled file with the code cache the build made; a cache V8 rejects (made by
    // another Node.js, or damaged) only costs the compile: same output.
    const cli = join(project, 'node_modules', 'cozystack-cdk8s', 'build', 'cli');
    expect(readdirSync(cli).sort()).toEqual(['bundle.cjs', 'bundle.cjs.cache', 'cozystack-cdk8s.cjs']);
    writeFileSync(join(cli, 'bundle.cjs.cache'), 'not a code cache');
    expect(run(bin, ['synth', '-f', 'starter', '--out', 'cli-out-2'], project)).toMatch(/^synthesized \d+ objects/);
    rmSync(join(cli, 'bundle.cjs.cache'));
    expect(run(bin, ['synth', '-f', 'starter', '--out', 'cli-out-3'], project)).toMatch(/^synthesized \d+ objects/);
    const tree = (dir: string) => execFileSync('sh', ['-c', `cd ${dir} && find . -type f | sort | xargs cat | md5sum`], { encoding: 'utf8' });
    expect(tree(join(project, 'cli-out-2'))).toBe(tree(join(project, 'cli-out')));
    expect(tree(join(project, 'cli-out-3'))).toBe(tree(join(project, 'cli-out')));
  }, 240_000);
});

// The README's command blocks, run exactly as written, in order, in the project the package was
// installed into (as a newcomer would after `npm install <path>/cozystack-cdk8s-0.1.0.tgz`).
// What is not on this machine or needs a cluster is a stand-in on PATH, each documented where it
// is written: `age-keygen` writes a fixed key file, `sops --encrypt --in-place` writes the
// structure sops gives a file under the rules of the .sops.yaml it finds (and refuses a file that
// has none or is already encrypted, as sops does), `kubectl` logs the call and, without a cluster,
// builds `apply -k DIR` with the real `kubectl kustomize` and runs `create` with
// `--dry-run=client` (when kubectl is installed). `git push` goes to a bare repository set up as
// origin. The one step the README gives as a comment (put the public key in platform.yaml) is done
// by the test, and the starter's Postgres is given a password so that there is a credential.
describe('README commands, run as written in the installed package', () => {
  const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  const stubs = join(work, 'stubs');
  const kubectlLog = join(work, 'kubectl.log');
  const realKubectl = (process.env.PATH ?? '').split(':').map((d) => join(d, 'kubectl')).find((f) => existsSync(f));
  const env = {
    ...process.env,
    PATH: `${stubs}:${process.env.PATH ?? ''}`,
    KUBECTL_LOG: kubectlLog,
    CDK8S_OUTDIR: '',
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_cache: join(work, 'empty-npm-cache'),
    GIT_AUTHOR_NAME: 'readme',
    GIT_AUTHOR_EMAIL: 'readme@example.org',
    GIT_COMMITTER_NAME: 'readme',
    GIT_COMMITTER_EMAIL: 'readme@example.org',
  };
  const sh = (line: string) => {
    const r = spawnSync('sh', ['-c', line], { cwd: project, env, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const block = (key: string) => {
    const b = readmeBlocks().find((x) => blockKey(x) === key);
    if (!b) throw new Error(`README has no block ${key}`);
    return b;
  };
  const runAll = (key: string, before: (line: string) => void = () => undefined) =>
    commands(block(key)).map((line) => {
      before(line);
      const r = sh(line);
      expect({ line, code: r.code, stderr: r.code ? r.stderr : '' }).toEqual({ line, code: 0, stderr: '' });
      return { line, ...r };
    });

  beforeAll(() => {
    mkdirSync(stubs);
    writeFileSync(
      join(stubs, 'age-keygen'),
      `#!/bin/sh\n# Stand-in for age-keygen: -o FILE writes a key file and prints the public key on stderr.\n[ "$1" = "-o" ] || { echo "age-keygen stand-in: expected -o FILE" >&2; exit 2; }\nprintf '# created: 2026-12-01T12:00:00Z\\n# public key: ${AGE}\\nAGE-SECRET-KEY-1STANDIN\\n' > "$2"\necho "Public key: ${AGE}" >&2\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(stubs, 'sops'),
      `#!/usr/bin/env node
// Stand-in for sops --encrypt --in-place FILE: the .sops.yaml above FILE must have a creation rule
// whose path_regex matches; values under keys matching its encrypted_regex become ENC[...]; a sops
// block is added; a file already encrypted is refused.
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const YAML = require(${JSON.stringify(join(root, 'node_modules', 'yaml'))});
const [a, b, file] = process.argv.slice(2);
if (a !== '--encrypt' || b !== '--in-place' || !file) { console.error('sops stand-in: expected --encrypt --in-place FILE'); process.exit(2); }
let dir = path.dirname(path.resolve(file));
while (!fs.existsSync(path.join(dir, '.sops.yaml'))) { if (dir === path.dirname(dir)) { console.error('config file not found'); process.exit(1); } dir = path.dirname(dir); }
const rules = YAML.parse(fs.readFileSync(path.join(dir, '.sops.yaml'), 'utf8')).creation_rules;
const rel = path.relative(dir, path.resolve(file));
const rule = rules.find((r) => new RegExp(r.path_regex).test(rel));
if (!rule) { console.error('error loading config: no matching creation rules found'); process.exit(1); }
const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
if (doc.sops) { console.error('The file you have provided contains a top-level entry called \\'sops\\'. This is generally due to the file already being encrypted'); process.exit(203); }
const enc = () => 'ENC[AES256_GCM,data:' + crypto.randomBytes(24).toString('base64') + ',iv:' + crypto.randomBytes(12).toString('base64') + ',tag:' + crypto.randomBytes(16).toString('base64') + ',type:str]';
const re = new RegExp(rule.encrypted_regex);
const walk = (v, inside) => Array.isArray(v) ? v.map((x) => walk(x, inside)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, inside || re.test(k))])) : inside ? enc() : v;
const out = walk(doc, false);
out.sops = { age: [{ recipient: String(rule.age), enc: '-----BEGIN AGE ENCRYPTED FILE-----\\nc3RhbmQtaW4=\\n-----END AGE ENCRYPTED FILE-----\\n' }], lastmodified: new Date().toISOString(), mac: enc(), encrypted_regex: rule.encrypted_regex, version: '3.9.1' };
fs.writeFileSync(file, YAML.stringify(out, { indent: 4 }));
`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(stubs, 'kubectl'),
      `#!/bin/sh\n# Stand-in for kubectl without a cluster: logs the call; apply -k DIR builds DIR, create runs with --dry-run=client.\necho "$*" >> "$KUBECTL_LOG"\n${realKubectl ? `if [ "$1" = "apply" ] && [ "$2" = "-k" ]; then exec ${realKubectl} kustomize "$3" > /dev/null; fi\nexec ${realKubectl} "$@" --dry-run=client -o yaml > /dev/null` : 'exit 0'}\n`,
      { mode: 0o755 },
    );
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(work, 'remote.git')]);
    for (const args of [['init', '-q', '-b', 'main'], ['remote', 'add', 'origin', join(work, 'remote.git')], ['config', 'push.autoSetupRemote', 'true']]) execFileSync('git', args, { cwd: project });
  });

  it('every block of the README is run by a test', () => {
    expect(readmeBlocks().map(blockKey)).toEqual(Object.keys(BLOCK_OWNERS));
  });

  it('"As a command line": every command, in order', () => {
    const r = runAll('As a command line sh');
    expect(r[0]!.stdout).toMatch(/platform\/platform\.yaml/);
    expect(r[1]!.stdout).toMatch(/^synthesized \d+ objects .* into dist: /);
    expect(existsSync(join(work, 'gitops', '.cozystack-cdk8s-manifest.json'))).toBe(true); // --out ../gitops
    expect(r[3]!.stdout).toBe('0 added, 0 removed, 0 changed\n');
    expect(r[4]!.stdout).toMatch(/^valid: \d+ objects$/m);
    expect(r[5]!.stdout).toMatch(/^flowchart LR/);
    expect(r[6]!.stdout).toMatch(/^paas-full: /);
    expect(r[7]!.stdout).toMatch(/^Postgres \(apps\.cozystack\.io\/v1alpha1/);
     // The inline command after the install instructions.
    expect(README).toContain('`npx cozystack-cdk8s --help`');
    expect(sh('npx cozystack-cdk8s --help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^cozystack-cdk8s: /) });
  });

  it('"Handing the repository to Flux": synth, commit and push, apply', () => {
    runAll('Handing the repository to Flux. sh');
    expect(execFileSync('git', ['--git-dir', join(work, 'remote.git'), 'ls-tree', '-r', '--name-only', 'main'], { encoding: 'utf8' })).toMatch(/^gitops\/cluster\/flux-system\/gitrepository-cozystack-gitops\.yaml$/m);
    expect(readFileSync(kubectlLog, 'utf8')).toMatch(/^apply -k gitops\/cluster\/flux-system$/m);
  });

  it('"Credentials in Git, encrypted with SOPS": the key, synth, encrypt, commit, apply; then a synth keeps the encrypted files', () => {
    // The starter's Postgres gets a credential (the README's block assumes there is one).
    const tenants = join(project, 'platform', 'tenants.yaml');
    writeFileSync(tenants, readFileSync(tenants, 'utf8').replace('  size: 10Gi\n', '  size: 10Gi\n  users:\n    app:\n      password: readme-pw-1\n'));
    let keyed = false;
    const r = runAll('Credentials in Git, encrypted with SOPS. sh', (line) => {
      // The README's comment step, after age-keygen: the public key goes into platform.yaml.
      if (line.startsWith('kubectl ') && !keyed) {
        keyed = true;
        const key = /^# public key: (age1\S+)$/m.exec(readFileSync(join(project, 'age.agekey'), 'utf8'))![1]!;
        const p = join(project, 'platform', 'platform.yaml');
        writeFileSync(p, readFileSync(p, 'utf8').replace('  apiServerEndpoint: https://api.example.org:6443\n', `  apiServerEndpoint: https://api.example.org:6443\n  credentials:\n    sops:\n      age: [${key}]\n`));
      }
    });
    expect(r[0]!.stderr).toContain(`Public key: ${AGE}`);
    const secret = join(project, 'gitops', 'cluster', 'secrets', 'tenant-team', 'secret-postgres-db-credential-values.yaml');
    const encrypted = readFileSync(secret, 'utf8');
    expect(encrypted).toMatch(/^sops:$/m);
    expect(encrypted).not.toContain('readme-pw-1');
    // Pushed encrypted: no credential in what is committed; the .gitignore no longer leaves secrets/ out.
    const remote = ['--git-dir', join(work, 'remote.git')];
    expect(execFileSync('git', [...remote, 'show', 'main:gitops/cluster/secrets/tenant-team/secret-postgres-db-credential-values.yaml'], { encoding: 'utf8' })).toBe(encrypted);
    expect(spawnSync('git', [...remote, 'grep', '-q', 'readme-pw-1', 'main']).status).toBe(1);
    expect(readFileSync(kubectlLog, 'utf8')).toMatch(/^-n flux-system create secret generic sops-age --from-file=age\.agekey=age\.agekey$/m);
    // The next synth (the README's synth line again) keeps the encrypted file byte for byte.
    const synthLine = commands(block('Credentials in Git, encrypted with SOPS. sh')).find((l) => l.includes(' synth '))!;
    const again = sh(synthLine);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/, 0 changed, /) });
    expect(readFileSync(secret, 'utf8')).toBe(encrypted);
    // A changed password: written in plain text again and named.
    writeFileSync(tenants, readFileSync(tenants, 'utf8').replace('readme-pw-1', 'readme-pw-2'));
    const changed = sh(synthLine);
    expect(changed.code).toBe(0);
    expect(changed.stderr).toContain('warning: the content of the SOPS-encrypted Secret gitops/cluster/secrets/tenant-team/secret-postgres-db-credential-values.yaml changed, so it is written in plain text again: encrypt it again before committing');
  });

  it('"Output layout": every path it names is in the outputs the README commands wrote', () => {
    const out = join(project, 'gitops', 'cluster');
    const lines = block('Output layout ').text.split('\n').filter((l) => l.trim() && !l.startsWith('dist/'));
    const stack: string[] = [];
    const missing: string[] = [];
    for (const l of lines) {
      const depth = (l.length - l.trimStart().length) / 2 - 1;
      const name = l.trim().split(/\s+/)[0]!;
      stack.length = depth;
      stack.push(name.replace(/\/$/, ''));
      const pattern = new RegExp(`^${stack.map((s) => s.replace(/[.]/g, '\\.').replace(/<[^>]+>/g, '[^/]+').replace(/^tenant-foo$/, 'tenant-(?!root)[^/]+')).join('/')}(/|$)`);
      const found = (rel: string): boolean => pattern.test(rel);
      const all = execFileSync('find', ['.', '-mindepth', '1'], { cwd: out, encoding: 'utf8' }).split('\n').map((p) => p.replace(/^\.\//, ''));
      if (!all.some(found)) missing.push(stack.join('/'));
    }
    expect(missing).toEqual([]);
  });
});

// The package as a provider installs it: packed with `npm pack`, installed into a fresh project,
// type-checked against its declarations, and run. No network: the install is `--offline` with an
// empty npm cache and an unreachable registry, the package's runtime dependencies given as local
// folders (this repository's node_modules), so any registry request would fail the test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('npm pack', () => {
  it('installs into a fresh project and synthesizes a bundle through the public API', () => {
    run('npm', ['pack', '--pack-destination', work, '--silent'], root);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const project = join(work, 'project');
    execFileSync('mkdir', [project]);
    const runtime = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    const local = Object.fromEntries(Object.keys(runtime).map((d) => [d, `file:${join(root, 'node_modules', d)}`]));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'provider', version: '1.0.0', type: 'module', private: true, dependencies: local }));
    run('npm', ['install', '--offline', '--cache', join(work, 'empty-npm-cache'), '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund', join(work, tarball)], project);
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

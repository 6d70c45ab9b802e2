/**
 * Bundles the command line for the package's bin, from the compiled build/lib/cli/*.js:
 * - build/cli/bundle.cjs: the whole command line (ours, cdk8s, ajv, yaml, ...) in one CommonJS
 *   file. Loading one file instead of some 400 ES and CommonJS modules halves the start-up (each
 *   module is resolved, read and compiled on its own); whitespace is dropped (names kept, for
 *   readable stack traces): a third less to parse.
 * - build/cli/cozystack-cdk8s.cjs: the bin, lib/cli/launcher.ts, which runs the bundle with
 *   V8's code cache;
 * - build/cli/bundle.cjs.cache: that cache, written by a run of the examples/platform synthesis.
 * The library (build/lib/index.js) is not bundled: a program that uses it shares cdk8s and
 * constructs with it.
 *
 * Usage: tsx scripts/bundle-cli.ts (run by `npm run build`, after tsc).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const compiled = join(root, 'build', 'lib', 'cli');
const out = join(root, 'build', 'cli');
for (const f of ['main.js', 'launcher.js']) {
  if (!existsSync(join(compiled, f))) {
    console.error(`bundle-cli: ${join(compiled, f)} is missing; run tsc -p tsconfig.build.json first`);
    process.exit(1);
  }
}
rmSync(out, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The bundle sits two folders below the package root, as build/lib/*.js do: same relative paths.
  define: { 'import.meta.dirname': '__dirname' },
  minifyWhitespace: true,
  legalComments: 'eof',
  logLevel: 'warning',
} as const;
await build({ ...common, entryPoints: [join(compiled, 'main.js')], outfile: join(out, 'bundle.cjs') });
await build({ ...common, entryPoints: [join(compiled, 'launcher.js')], outfile: join(out, 'cozystack-cdk8s.cjs'), minifyWhitespace: false });

// The code cache: one synthesis of the example platform, so the functions it runs are in it.
const tmp = mkdtempSync(join(tmpdir(), 'cozystack-cdk8s-bundle-'));
try {
  const r = spawnSync(process.execPath, [join(out, 'cozystack-cdk8s.cjs'), 'synth', '-f', join(root, 'examples', 'platform'), '--out', join(tmp, 'out')], {
    env: { ...process.env, COZYSTACK_CDK8S_WRITE_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`bundle-cli: the bundled command line failed on examples/platform:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

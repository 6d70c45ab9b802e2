// Issue 15, point 10: flags with a fixed set of values (--mode, --tenant-rendering, --format,
// --version) are reported in the one report with every other problem, blamed on the flag, with
// the value given and a did-you-mean; the rest of the input is still checked (with the flag at its
// default). The command line runs in-process (lib/cli/run.ts) on real files in a temporary folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../lib/cli/run.js';
import { FLAG_CHOICES } from '../lib/cli/options.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PLATFORM = 'apiVersion: cdk8s.cozystack.io/v1alpha1\nkind: Platform\nmetadata: {name: platform}\nspec:\n  bundle: paas-full\n  rootHost: example.org\n  apiServerEndpoint: https://api.example.org:6443\n';
const BAD_APP = 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Postgres\nmetadata: {name: db, namespace: tenant-root}\nspec: {replicas: many}\n';
const WARNED_APP = 'apiVersion: apps.cozystack.io/v1alpha1\nkind: Redis\nmetadata: {name: cache, namespace: tenant-root}\nspec: {replicaz: 3}\n';

function input(...docs: string[]): { dir: string; f: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cozystack-flags-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'input'));
  writeFileSync(join(dir, 'input', 'platform.yaml'), [PLATFORM, ...docs].join('---\n'));
  return { dir, f: join(dir, 'input') };
}

describe('flags in the one report (issue 15, point 10)', () => {
  it('every flag with a fixed set of values is covered: --mode, --tenant-rendering, --format', () => {
    expect(Object.keys(FLAG_CHOICES).sort()).toEqual(['format', 'mode', 'tenant-rendering']);
  });

  it('synth: bad flags and an invalid app in one report, each blamed on its origin; nothing is written', () => {
    const { dir, f } = input(BAD_APP);
    const out = join(dir, 'out');
    const r = run(['synth', '-f', f, '--out', out, '--mode', 'operater', '--tenant-rendering', 'explict']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'error: invalid input:',
        "  --mode: 'operater' is not a mode (expected one of flux, operator) (did you mean 'operator'?) [invalid-flag]",
        "  --tenant-rendering: 'explict' is not a tenant rendering (expected one of release, explicit) (did you mean 'explicit'?) [invalid-flag]",
        `  ${f}/platform.yaml#2 Postgres tenant-root/db spec.replicas: expected an integer, got string "many" [type]`,
        '',
      ].join('\n'),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('validate and diff: the same report (diff fails with 2), and warnings are shown with it', () => {
    const { dir, f } = input(WARNED_APP);
    const v = run(['validate', '-f', f, '--mode', 'helm']);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/^error: invalid command line:\n {2}--mode: 'helm' is not a mode \(expected one of flux, operator\) \[invalid-flag\]\nwarning: .*Redis tenant-root\/cache spec\.replicaz: unknown key 'replicaz'/);
    const d = run(['diff', '-f', f, '--out', join(dir, 'out'), '--tenant-rendering', 'explicitt']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/^ {2}--tenant-rendering: 'explicitt' is not a tenant rendering .*\(did you mean 'explicit'\?\) \[invalid-flag\]$/m);
  });

  it('graph: a bad --format with the input problems', () => {
    const { f } = input(BAD_APP);
    const r = run(['graph', '-f', f, '--format', 'dott']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ {2}--format: 'dott' is not a graph format \(expected one of mermaid, dot\) \(did you mean 'dot'\?\) \[invalid-flag\]$/m);
    expect(r.stderr).toMatch(/spec\.replicas: expected an integer/);
    // Valid input, bad format: the flag alone; a good format still draws.
    const ok = input();
    expect(run(['graph', '-f', ok.f, '--format', 'svg'])).toMatchObject({ code: 1, stderr: "error: invalid command line:\n  --format: 'svg' is not a graph format (expected one of mermaid, dot) [invalid-flag]\n" });
    expect(run(['graph', '-f', ok.f, '--format', 'dot'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^digraph/) });
  });

  it('apps: a bad --version and a kind no release serves, in one report (the newest of the closest releases suggested); a bad spec.version blamed on its document', () => {
    const r = run(['apps', 'Postgress', '--version', '1.6.3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'error: invalid command line:',
        "  --version: '1.6.3' is not a release this library pins (expected one of 0.41.11, 1.6.0, 1.6.2) (did you mean '1.6.2'?) [unknown-release]",
        '  KIND: unknown kind "Postgress": no release this library pins serves it (did you mean \'Postgres\'?) [unknown-kind]',
        '',
      ].join('\n'),
    );
    // A kind some release serves is not a problem of its own while the release is unknown.
    expect(run(['apps', 'MySQL', '--version', '9']).stderr).not.toMatch(/KIND/);
    const { f } = input();
    writeFileSync(join(f, 'platform.yaml'), PLATFORM.replace('spec:\n', 'spec:\n  version: 1.6.5\n'));
    const doc = run(['apps', '-f', f]);
    expect(doc.code).toBe(1);
    expect(doc.stderr).toMatch(new RegExp(`^ {2}${f}/platform\\.yaml#1 spec\\.version: '1\\.6\\.5' is not a release this library pins .*\\[unknown-release\\]$`, 'm'));
  });

  it('good values are taken as before', () => {
    const { dir, f } = input();
    expect(run(['synth', '-f', f, '--out', join(dir, 'out'), '--mode', 'operator', '--tenant-rendering', 'explicit']).code).toBe(0);
    expect(existsSync(join(dir, 'out', 'platform', '_cluster', 'package-cozystack.networking.yaml'))).toBe(true);
  });
});

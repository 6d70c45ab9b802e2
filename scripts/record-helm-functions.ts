/**
 * Records what real helm prints with `toYaml`, `quote` and `toString` for the values of
 * scripts/upstream/helm-function-cases.ts, as test data in test/recorded/helm-functions.json: the
 * Go behaviour (yaml.v2 through sigs.k8s.io/yaml, fmt's %v, strconv.Quote) that
 * lib/releases/v1/go-values.ts reimplements. helm is needed here only: the tests read the recording.
 *
 *   tsx scripts/record-helm-functions.ts --helm HELM_BINARY [--out FILE]
 *
 * The chart rendered is written by this script into a temporary folder (no upstream code): one
 * template that, for each case, reads the value with `fromJson` from base64 (so that helm's coalescing of
 * values files, which drops nulls, does not touch it; every number a float64) and prints the three
 * functions' output base64-encoded, so that every byte survives. Output is deterministic.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { HELM_FUNCTION_CASES } from './upstream/helm-function-cases.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const helm = arg('--helm');
if (!helm) {
  console.error('usage: tsx scripts/record-helm-functions.ts --helm HELM_BINARY [--out FILE]');
  process.exit(2);
}
const out = resolve(arg('--out') ?? join(import.meta.dirname, '..', 'test', 'recorded', 'helm-functions.json'));

const TEMPLATE = `{{- range $i, $c := .Values.cases }}
c{{ $i }}:
  toYaml: {{ (fromJson (b64dec $c)).v | toYaml | b64enc | quote }}
  quote: {{ (fromJson (b64dec $c)).v | quote | b64enc | quote }}
  toString: {{ (fromJson (b64dec $c)).v | toString | b64enc | quote }}
{{- end }}
`;

const names = Object.keys(HELM_FUNCTION_CASES);
const dir = mkdtempSync(join(tmpdir(), 'helm-functions-'));
try {
  mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: functions\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'chart', 'templates', 'out.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'values.json'), `${JSON.stringify({ cases: names.map((n) => Buffer.from(JSON.stringify({ v: HELM_FUNCTION_CASES[n] }), 'utf8').toString('base64')) })}\n`);
  const version = execFileSync(helm, ['version', '--template', '{{ .Version }} ({{ .GitCommit }}, {{ .GoVersion }})'], { encoding: 'utf8' }).trim();
  const rendered = execFileSync(helm, ['template', 'functions', join(dir, 'chart'), '-f', join(dir, 'values.json')], { encoding: 'utf8' });
  const doc = parse(rendered.replace(/^---\n# Source: .*\n/m, '')) as Record<string, { toYaml: string; quote: string; toString: string }>;
  const dec = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const cases = Object.fromEntries(
    names.map((n, i) => {
      const r = doc[`c${i}`]!;
      return [n, { value: HELM_FUNCTION_CASES[n], toYaml: dec(r.toYaml), quote: dec(r.quote), toString: dec(r.toString) }];
    }),
  );
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ helm: version, cases }, null, 2)}\n`);
  console.log(`recorded ${names.length} cases with helm ${version} in ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

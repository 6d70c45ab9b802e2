// Mutation testing (StrykerJS), not part of `npm test` nor of CI: `npm run mutate` with
//   MUTATE_LAYER=model|rendering|input|output|cli   one layer per run (each fits in an hour here), or
//   MUTATE_FILES='lib/**/gitops.ts'                 any globs (comma-separated), e.g. for a trial;
//   MUTATE_TESTS='test/settings.test.ts'            optionally, fewer test files (comma-separated).
// Incremental: a run reuses the results of the last run of the same scope (reports/mutation/).
// Files are matched by name anywhere under lib/, so moving them into sub-folders keeps the layers.
import { resolve } from 'node:path';

const LAYERS = {
  // The platform model: settings, bundles, components, validation rules.
  model: ['platform-model', 'platform-props', 'bundle', 'bundle-definition', 'component', 'validators', 'platform-version', 'platform-source', 'names', 'errors', 'values', 'values-validator', 'values-ajv'],
  // What the model becomes: Kubernetes objects of the platform, the tenants and the apps.
  rendering: ['platform-renderer', 'package-source', 'operator-bootstrap', 'gitops', 'deletion-guardrail', 'tenant', 'tenant-renderer', 'tenant-explicit', 'tenant-network-policies', 'tenant-quota', 'tenant-rbac', 'managed-app', 'app-release', 'app-definition', 'credentials', 'security-invariants', 'platform', 'platform-context', 'api-objects'],
  // Reading input: YAML files, the Platform document, app manifests.
  input: ['yaml-input', 'yaml-platform', 'platform-document', 'manifest-loader', 'manifest'],
  // Writing output: layout, YAML emitter, the atomic writer and its worker threads.
  output: ['synthesize', 'output-layout', 'yaml-emitter', 'object-json', 'output-writer', 'output-errors', 'output-lock', 'background-writer', 'tree-compare'],
  // The command line.
  cli: ['cli/*'],
};

const layer = process.env.MUTATE_LAYER;
const files = process.env.MUTATE_FILES?.split(',').map((s) => s.trim()).filter(Boolean);
if (!files && !LAYERS[layer]) throw new Error(`set MUTATE_LAYER to one of ${Object.keys(LAYERS).join(', ')}, or MUTATE_FILES to globs`);
const mutate = files ?? LAYERS[layer].map((n) => `lib/**/${n}.ts`);
const scope = layer ?? files.join('+').replace(/[^a-z0-9]+/gi, '-');

// The tests read the shared upstream reference beside the repository; the sandbox is elsewhere.
process.env.COZYSTACK_REFERENCE ??= resolve(import.meta.dirname, '..', 'shared', 'reference');
if (process.env.MUTATE_TESTS) process.env.MUTATE_VITEST_INCLUDE = process.env.MUTATE_TESTS;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate,
  ignorePatterns: ['dist', 'dist-library', 'build', 'reports', '.bench', '*.tgz'],
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 30_000,
  incremental: true,
  incrementalFile: `reports/mutation/${scope}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};

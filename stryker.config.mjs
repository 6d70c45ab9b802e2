// Mutation testing (StrykerJS), not part of `npm test` nor of CI: `npm run mutate` with
//   MUTATE_LAYER=model|rendering|input|output|cli   one layer per run (each fits in an hour here), or
//   MUTATE_FILES='lib/**/gitops.ts'                 any globs (comma-separated), e.g. for a trial;
//   MUTATE_TESTS='test/settings.test.ts'            optionally, fewer test files (comma-separated);
//   MUTATE_TMP='.stryker-tmp-2'                      another sandbox folder, for a second run beside the first.
// Incremental: a run reuses the results of the last run of the same scope (reports/mutation/).
// The layers are the folders of lib/ (docs/architecture.md).
const LAYERS = {
  // The platform model and what it rests on: settings, bundles, components, validation rules,
  // the release profiles and the v1 platform chart model.
  model: ['lib/core/**/*.ts', 'lib/model/**/*.ts', 'lib/releases/**/*.ts'],
  // What the model becomes: Kubernetes objects of the platform, the tenants and the apps, and the
  // constructs that call the renderings.
  rendering: ['lib/renderings/**/*.ts', 'lib/constructs/**/*.ts'],
  // Reading input: YAML files, the Platform document, app manifests.
  input: ['lib/input/**/*.ts'],
  // Synthesis and output: the pipeline, security invariants, name limits, layout, YAML emitter,
  // the atomic writer and its worker threads.
  output: ['lib/synthesis/**/*.ts', 'lib/output/**/*.ts'],
  // The command line.
  cli: ['lib/cli/**/*.ts'],
};

const layer = process.env.MUTATE_LAYER;
const files = process.env.MUTATE_FILES?.split(',').map((s) => s.trim()).filter(Boolean);
if (!files && !LAYERS[layer]) throw new Error(`set MUTATE_LAYER to one of ${Object.keys(LAYERS).join(', ')}, or MUTATE_FILES to globs`);
const mutate = files ?? LAYERS[layer];
const scope = layer ?? files.join('+').replace(/[^a-z0-9]+/gi, '-');

if (process.env.MUTATE_TESTS) process.env.MUTATE_VITEST_INCLUDE = process.env.MUTATE_TESTS;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // Only the mutated code needs `// @ts-nocheck`; generated files elsewhere (apps/) stay as they are,
  // so the tests that compare them with a fresh generation still pass in the sandbox.
  disableTypeChecks: 'lib/**/*.ts',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate,
  ignorePatterns: ['dist', 'dist-library', 'build', 'reports', '.bench', '*.tgz', '.stryker-tmp*'],
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 30_000,
  incremental: true,
  incrementalFile: `reports/mutation/${scope}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: process.env.MUTATE_TMP ?? '.stryker-tmp',
  cleanTempDir: 'always',
};

// The tests StrykerJS runs against each mutant (npm run mutate): the in-process test files only.
// Files that spawn the command line or npm (cli, hostile-input, write-faults, package, bench) are
// left out: their coverage happens in child processes Stryker cannot see, and they take minutes.
// MUTATE_TESTS (comma-separated paths) narrows the list further.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const IN_PROCESS = [
  'test/app-catalog-rules.test.ts',
  'test/app-values-messages.test.ts',
  'test/apps.test.ts',
  'test/bootstrap.test.ts',
  'test/bundle-rules.test.ts',
  'test/core-helpers.test.ts',
  'test/corpus.test.ts',
  'test/credentials-model.test.ts',
  'test/e2e-manifests.test.ts',
  'test/go-values-recorded.test.ts',
  'test/go-values.test.ts',
  'test/host-zones.test.ts',
  'test/names-and-masks.test.ts',
  'test/object-json.test.ts',
  'test/objects-and-constants.test.ts',
  'test/package-source-object.test.ts',
  'test/package-sources.test.ts',
  'test/platform-bundles.test.ts',
  'test/platform-chart-model.test.ts',
  'test/platform-chart.test.ts',
  'test/platform-construct.test.ts',
  'test/platform-output.test.ts',
  'test/platform-settings-checks.test.ts',
  'test/platform-v1-settings.test.ts',
  'test/platform-v1.test.ts',
  'test/properties.test.ts',
  'test/release-profiles.test.ts',
  'test/releases.test.ts',
  'test/safety.test.ts',
  'test/served-kinds-v1.test.ts',
  'test/settings.test.ts',
  'test/source-resolve.test.ts',
  'test/tenant-app-checks.test.ts',
  'test/tenant-model.test.ts',
  'test/tenant-objects.test.ts',
  'test/tenant-quota-arithmetic.test.ts',
  'test/tenant-releases.test.ts',
  'test/tenant-renders-v1.test.ts',
  'test/tenants.test.ts',
  'test/tree-write.test.ts',
  'test/validation-rules.test.ts',
  'test/values-merge.test.ts',
  'test/values-validator.test.ts',
  'test/yaml-emitter.test.ts',
  'test/yaml-input.test.ts',
];

export default defineConfig({
  test: {
    ...base.test,
    include: process.env.MUTATE_VITEST_INCLUDE?.split(',').map((s) => s.trim()) ?? IN_PROCESS,
  },
});

/**
 * ajv options of the Platform document's validator, shared by the generator of the precompiled
 * validator (scripts/gen-platform-validator.ts) and the tests that compile the schema at run time
 * to check the precompiled one. The schema is the package's own, checked against the JSON Schema
 * meta-schema by the tests: no meta-validation, no code optimization; `verbose` and `allErrors` are
 * needed by the error conversion.
 * @internal
 */
export const PLATFORM_AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  validateSchema: false,
  verbose: true,
  code: { optimize: false },
} as const;

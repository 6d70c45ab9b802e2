import { Ajv, type CodeOptions } from 'ajv';
import addFormatsPkg from 'ajv-formats';

const addFormats = addFormatsPkg.default;

/**
 * ajv options for app values schemas, shared by the run-time compile (lib/values-validator.ts)
 * and the validators scripts/gen-apps.ts precompiles into apps/validators.ts. The schemas are the
 * catalog's own, checked by its tests: no meta-validation, no code optimization. `verbose` and
 * `allErrors` are needed by the error conversion (it reads `data` and `parentSchema`).
 *
 * Kept apart from lib/values-validator.ts, which imports apps/validators.ts: the generator can
 * then run when that file is missing or broken.
 * @internal
 */
export const VALUES_AJV_OPTIONS = {
  strict: false,
  allErrors: true,
  verbose: true,
  validateSchema: false,
  code: { optimize: false },
} as const;

/**
 * A new ajv instance for app values schemas: {@link VALUES_AJV_OPTIONS}, `code` options added,
 * and the ajv-formats formats.
 * @internal
 */
export function createValuesAjv(code: CodeOptions = {}): Ajv {
  const ajv = new Ajv({ ...VALUES_AJV_OPTIONS, code: { ...VALUES_AJV_OPTIONS.code, ...code } });
  addFormats(ajv);
  return ajv;
}

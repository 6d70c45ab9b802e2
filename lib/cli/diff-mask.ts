/**
 * What `diff` prints of a changed file, with credential values masked (see
 * model/credential-mask.ts for what counts as a credential).
 */
import { parse } from 'yaml';
import { isPlainObject } from '../core/values.js';
import { isCredentialKey } from '../model/credentials.js';
import { MASKED, MASKED_CHANGED, maskUrlUserinfo } from '../model/credential-mask.js';
import { toYaml } from '../output/yaml-emitter.js';

const isMap = isPlainObject;

/**
 * Masks one side of a diff against the other: in a Secret every value of `data` and
 * `stringData`, elsewhere every scalar at a credential key and the password of URL userinfo.
 * On the new side a masked value that differs from the old one at the same path reads
 * {@link MASKED_CHANGED}, so that the diff still shows the change.
 */
function maskSide(node: unknown, other: unknown, newSide: boolean, secretData: boolean, key: string | undefined): unknown {
  const mask = (): string => (newSide && JSON.stringify(node) !== JSON.stringify(other) ? MASKED_CHANGED : MASKED);
  if (secretData || (key !== undefined && isCredentialKey(key) && !isMap(node) && !Array.isArray(node) && node !== null)) return mask();
  if (typeof node === 'string') {
    const m = maskUrlUserinfo(node);
    if (m === node) return node;
    return newSide && typeof other === 'string' && other !== node && maskUrlUserinfo(other) === m ? m.replace(MASKED, MASKED_CHANGED) : m;
  }
  if (Array.isArray(node)) return node.map((x, i) => maskSide(x, Array.isArray(other) ? other[i] : undefined, newSide, false, key));
  if (!isMap(node)) return node;
  const o = isMap(other) ? other : {};
  const isSecret = node.kind === 'Secret' && key === undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(node)) {
    if (isSecret && (k === 'data' || k === 'stringData') && isMap(x)) {
      const ox = isMap(o[k]) ? (o[k] as Record<string, unknown>) : {};
      out[k] = Object.fromEntries(Object.entries(x).map(([dk, dv]) => [dk, maskSide(dv, ox[dk], newSide, true, dk)]));
    } else out[k] = maskSide(x, o[k], newSide, false, k);
  }
  return out;
}

/**
 * The two texts of a changed file as `diff` prints them: unchanged when nothing in them needs
 * masking (or they are not one YAML document), otherwise both re-emitted with masked values.
 */
export function maskForDiff(before: string, after: string): [string, string] {
  let a: unknown;
  let b: unknown;
  try {
    a = parse(before);
    b = parse(after);
  } catch {
    return [maskUrlUserinfo(before), maskUrlUserinfo(after)];
  }
  const ma = maskSide(a, b, false, false, undefined);
  const mb = maskSide(b, a, true, false, undefined);
  if (JSON.stringify(ma) === JSON.stringify(a) && JSON.stringify(mb) === JSON.stringify(b)) return [before, after];
  return [toYaml(ma), toYaml(mb)];
}

/** One file's text as printed whole (not as a diff): masked the same way. */
export function maskText(text: string): string {
  return maskForDiff(text, text)[0];
}

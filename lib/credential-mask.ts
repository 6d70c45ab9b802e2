import { parse } from 'yaml';
import { isCredentialKey } from './credentials.js';
import { toYaml } from './yaml-emitter.js';

/**
 * What is printed must not leak a credential (CI logs keep stdout and stderr): `diff` masks the
 * values of Secrets and of keys named like credentials, error messages do not echo a value at a
 * credential path. A masked value still shows that it changed, never what it is.
 */

/** Replaces a value that must not be printed. */
export const MASKED = '(masked)';
/** Replaces, on the new side of a diff, a masked value that differs from the old one. */
export const MASKED_CHANGED = '(masked, changed)';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `scheme://user:password@host` with the password (or a lone token as user) masked. Every part has
 * a bounded length, so that the scan stays linear on hostile input (an 8 MB string of letters).
 */
export function maskUrlUserinfo(s: string): string {
  if (!s.includes('://')) return s;
  return s.replace(/([a-z][a-z0-9+.-]{0,31}:\/\/)([^/@\s:]{0,256})(?::([^/@\s]{0,1024}))?@/gi, (_m, scheme: string, user: string, pass: string | undefined) =>
    pass === undefined ? `${scheme}${MASKED}@` : `${scheme}${user}:${MASKED}@`,
  );
}

/** A copy of a value with what is at credential keys masked (and URL userinfo in strings). */
export function maskCredentials(v: unknown): unknown {
  if (typeof v === 'string') return maskUrlUserinfo(v);
  if (Array.isArray(v)) return v.map(maskCredentials);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isCredentialKey(k) && x !== null && !isMap(x) && !Array.isArray(x) ? MASKED : maskCredentials(x)]));
}

/** True when a dotted values path (`.users.alice.password`, `spec.users[0].token`) ends at a credential key. */
export function isCredentialPath(path: string): boolean {
  const last = /([^.[\]]+)(?:\[\d+\])*$/.exec(path)?.[1];
  return last !== undefined && isCredentialKey(last);
}

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

import { isPlainObject } from '../core/values.js';
import { isCredentialKey } from './credentials.js';

/**
 * What is printed must not leak a credential (CI logs keep stdout and stderr): `diff` masks the
 * values of Secrets and of keys named like credentials, error messages do not echo a value at a
 * credential path. A masked value still shows that it changed, never what it is.
 */

/** Replaces a value that must not be printed. */
export const MASKED = '(masked)';
/** Replaces, on the new side of a diff, a masked value that differs from the old one. */
export const MASKED_CHANGED = '(masked, changed)';

const isMap = isPlainObject;

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

import { isPlainObject } from '../core/values.js';

/**
 * Credentials no schema marks, recognised by their shape, in what is committed: the password of a
 * URL's userinfo (`https://user:token@host`) anywhere, a private key block, tokens of well-known
 * services by their prefix, a Slack webhook URL; in free-form maps (`valuesOverride`,
 * `components.values`, any map under a key `values`) a key named like a credential; in
 * `cloudInit` a password. A finding names the path and why, never the value.
 */

/** One credential found by its shape. */
export interface CredentialShape {
  /** Where, as a values path (`.addons.certManager.valuesOverride.token`). */
  readonly path: string;
  /** What it looks like (`a URL with a password in its userinfo`), without the value. */
  readonly reason: string;
}

/** Keys under which a map is passed to a chart as is (no schema describes what is inside). */
const FREE_FORM_KEYS = new Set(['valuesOverride', 'values', 'extraValues', 'customConfig']);

/** A key named like a credential: password, passwd, secret, token, api key, access key, private key, credentials. */
const CREDENTIAL_KEY = /(password|passwd|secret|token|api_?key|access_?key|private_?key|credential|webhook)/i;
/** Keys that name or point at a credential rather than hold one (`existingSecret`, `tokenSecretRef`, `secretName`, `passwordKey`). */
const REFERENCE_KEY = /(name|ref|existingsecret|file|path|enabled|secretkeyref|key)$/i;
/** Keys that end in `key` and hold one all the same: an API, access or private key (`apiKey`, `access_key`). */
const KEY_CREDENTIAL = /(api|access|private)_?key$/i;

/** `scheme://user:password@`: bounded parts, so the scan stays linear on hostile input. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]{0,31}:\/\/[^/@\s:]{0,256}:[^/@\s]{1,1024}@/i;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/;
/** Tokens whose prefix names their service (AWS access key id, GitHub, GitLab, Slack). */
const KNOWN_TOKENS: readonly [RegExp, string][] = [
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20}/, 'a GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,}/, 'a Slack webhook URL'],
];
/** cloud-init settings that carry a password: `password:`, `passwd:`, `plain_text_passwd:`, `chpasswd:` lists. */
const CLOUD_INIT_PASSWORD = /(^|\n)\s*-?\s*(password|passwd|plain_text_passwd|hashed_passwd|chpasswd)\s*:/i;

/** Longest string looked into: a value past it is scanned on its head (the patterns are bounded). */
const MAX_SCAN = 64 * 1024;

/** Why a string looks like a credential, or undefined. */
export function credentialShapeOf(s: string): string | undefined {
  // Every shape is at least 7 characters long (`a://:b@`) and the key and token shapes contain
  // one of ANY_TOKEN's parts: most strings are ruled out by one test.
  if (s.length < 7) return undefined;
  const head = s.length > MAX_SCAN ? s.slice(0, MAX_SCAN) : s;
  if (head.includes('://') && URL_PASSWORD.test(head)) return 'a URL with a password in its userinfo';
  if (!ANY_TOKEN.test(head)) return undefined;
  if (PRIVATE_KEY.test(head)) return 'a private key';
  for (const [re, what] of KNOWN_TOKENS) if (re.test(head)) return what;
  return undefined;
}

/** A part that each of PRIVATE_KEY and KNOWN_TOKENS needs: none of them matches a string without one. */
const ANY_TOKEN = /-----BEGIN |AKIA|gh[ousr]_|ghp_|github_pat_|glpat-|xox[abprs]-|hooks\.slack\.com\/services\//;

/** True when a free-form map's key names a credential (not a reference to one). */
export function isCredentialLikeKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key) && (!REFERENCE_KEY.test(key) || KEY_CREDENTIAL.test(key));
}

function segment(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

/**
 * The credentials by shape in values (what is committed). `freeForm` says the whole value is a
 * free-form map (the Platform's `components.values`).
 */
export function findCredentialShapes(values: unknown, prefix = '', freeForm = false): CredentialShape[] {
  const out: CredentialShape[] = [];
  // The path walked so far, as segments (`.key`, `[0]`), joined only for a finding.
  const at: string[] = [prefix];
  const found = (reason: string): void => {
    out.push({ path: at.join(''), reason });
  };
  const walk = (v: unknown, free: boolean, key: string | undefined): void => {
    if (typeof v === 'string') {
      if (v === '') return;
      const shape = credentialShapeOf(v);
      if (shape) found(`looks like ${shape}`);
      else if (key !== undefined && /^cloudinit$/i.test(key) && CLOUD_INIT_PASSWORD.test(v.length > MAX_SCAN ? v.slice(0, MAX_SCAN) : v)) found('cloud-init that sets a password');
      else if (free && key !== undefined && isCredentialLikeKey(key)) found(`key '${key}' of a free-form map names a credential`);
      return;
    }
    if (typeof v === 'number' && free && key !== undefined && isCredentialLikeKey(key)) {
      found(`key '${key}' of a free-form map names a credential`);
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        at.push(`[${i}]`);
        walk(v[i], free, key);
        at.pop();
      }
      return;
    }
    if (!isPlainObject(v)) return;
    for (const k of Object.keys(v)) {
      at.push(segment(k));
      walk(v[k], free || FREE_FORM_KEYS.has(k), k);
      at.pop();
    }
  };
  walk(values, freeForm, undefined);
  return out;
}

import { createHash, scryptSync } from 'node:crypto';

/**
 * The digest a credentials Secret carries when it is committed encrypted with SOPS, so that the
 * next synth can tell, without the key, whether the encrypted file still holds what synth would
 * write (then the file is kept byte for byte) or not (then it is written in plain text again and
 * must be encrypted again).
 *
 * It sits in `metadata.annotations`, which the generated `.sops.yaml` leaves in the clear
 * (`encrypted_regex: ^(data|stringData)$`), and is a salted, slow digest: scrypt (N = 2^15, r = 8,
 * p = 1, 32 bytes; about 0.1 s and 32 MiB per Secret) of the Secret's `type`, `data` and
 * `stringData`, salted with the Secret's namespace and name and the SOPS recipients. The salt is
 * derived, not random, so the same input always writes the same bytes.
 */
export const VALUES_DIGEST_ANNOTATION = 'cdk8s.cozystack.io/values-digest';

/** The scheme and parameters the digest names, so that a change of them is a change of content. */
const SCHEME = 'scrypt-v1:N=32768,r=8,p=1';
const N = 32768;
const R = 8;
const P = 1;

/**
 * JSON of a map with its keys sorted and its undefined entries left out: the same data, the same
 * text. The digest covers a map of `type`, `data` and `stringData`, whose values are strings or
 * maps of strings, so strings and maps are all it meets.
 */
function canonical(v: string | Readonly<Record<string, unknown>>): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return `{${Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(v[k] as string | Readonly<Record<string, unknown>>)}`)
    .join(',')}}`;
}

/** What the digest covers of a Secret: its identity (through the salt) and the part SOPS encrypts. */
export interface DigestedSecret {
  readonly namespace: string;
  readonly name: string;
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly stringData?: Readonly<Record<string, string>>;
}

/**
 * The value of {@link VALUES_DIGEST_ANNOTATION} for a Secret encrypted for `recipients`:
 * `scrypt-v1:N=32768,r=8,p=1:<base64url of 32 bytes>`. Deterministic.
 */
export function valuesDigest(secret: DigestedSecret, recipients: readonly string[]): string {
  const salt = createHash('sha256')
    .update(`cozystack-cdk8s values-digest salt v1\0${secret.namespace}\0${secret.name}\0${[...recipients].sort().join(',')}`)
    .digest();
  const content = canonical({ type: secret.type, data: secret.data, stringData: secret.stringData });
  const key = scryptSync(`cozystack-cdk8s values-digest v1\0${content}`, salt, 32, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `${SCHEME}:${key.toString('base64url')}`;
}

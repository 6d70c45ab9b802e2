import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VALUES_DIGEST_ANNOTATION } from '../core/values-digest.js';

/** A file's text, undefined when it is not a readable file. */
function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}

/**
 * Credentials Secrets committed encrypted with SOPS are kept across runs. Synth writes each
 * credentials Secret under `secrets/` in plain text, with a digest of its encrypted part in an
 * annotation (`core/values-digest.ts`); the user encrypts the file in place (`sops --encrypt
 * --in-place`), which leaves `metadata` in the clear. On the next run a Secret file of the output
 * that is SOPS-encrypted, whose digest equals the digest of what synth would write now and whose
 * clear part (everything but `data`, `stringData` and the `sops` block) is what synth would write
 * now, is kept byte for byte: it is handed to the writer in place of the plain text, so it is
 * neither rewritten nor counted as a change (and `diff` shows nothing). One whose content changed
 * is written in plain text again and named, so that it is encrypted again before a commit.
 */

/** A path of a credentials Secret file (the files the generated `.sops.yaml` rule matches). */
const SECRET_FILE = /^secrets\/[^/]+\/secret-[^/]+\.yaml$/;

/** A value SOPS encrypted: `ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`. */
const ENCRYPTED_VALUE = /^ENC\[[A-Z0-9_]+,data:[^\]]*\]$/;

type Doc = Record<string, unknown>;
const isMap = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The parsed Secret when `text` is a SOPS-encrypted file: one YAML map with a `sops` block (its
 * `mac` and `version` strings) and every value of `data` and `stringData` encrypted. Undefined
 * otherwise (plain text, not YAML, not a map).
 */
export function sopsEncrypted(text: string): Doc | undefined {
  if (!text.includes('sops')) return undefined;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  if (!isMap(doc) || !isMap(doc.sops) || typeof doc.sops.mac !== 'string' || typeof doc.sops.version !== 'string') return undefined;
  for (const k of ['data', 'stringData']) {
    const part = doc[k];
    if (part === undefined) continue;
    if (!isMap(part)) return undefined;
    if (!Object.values(part).every((v) => typeof v === 'string' && ENCRYPTED_VALUE.test(v))) return undefined;
  }
  return doc;
}

/** A document without its encrypted parts: what must be equal in the clear. */
function clearPart(doc: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (k !== 'sops' && k !== 'data' && k !== 'stringData') out[k] = v;
  return out;
}

const keysOf = (v: unknown): string => (isMap(v) ? JSON.stringify(Object.keys(v).sort()) : '');

function digestOf(doc: Doc): string | undefined {
  const m = doc.metadata;
  const a = isMap(m) ? m.annotations : undefined;
  const d = isMap(a) ? a[VALUES_DIGEST_ANNOTATION] : undefined;
  return typeof d === 'string' ? d : undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (!isMap(a) || !isMap(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

/**
 * True when the encrypted file `old` holds what `fresh` (the plain text synth would write) holds:
 * the same digest, the same keys under `data` and `stringData`, and the same clear part.
 */
export function sameAsEncrypted(old: Doc, fresh: string): boolean {
  let doc: unknown;
  try {
    doc = parse(fresh);
  } catch {
    return false;
  }
  if (!isMap(doc)) return false;
  const digest = digestOf(doc);
  return digest !== undefined && digest === digestOf(old) && keysOf(doc.data) === keysOf(old.data) && keysOf(doc.stringData) === keysOf(old.stringData) && sameJson(clearPart(doc), clearPart(old));
}

/**
 * Decides, file by file, what is handed to the writer for the Secret files of an output folder:
 * the encrypted file's own bytes when it holds the same content (kept), the plain text otherwise.
 * Collects the files kept and those written in plain text over an encrypted file.
 * @internal
 */
export class EncryptedSecrets {
  /** Encrypted files kept byte for byte, sorted when read through {@link EncryptedSecrets.report}. */
  private readonly keptFiles: string[] = [];
  /** Encrypted files whose content changed: written in plain text again, to be encrypted again. */
  private readonly changedFiles: string[] = [];

  /** `dir`: the existing output folder (it may not exist). */
  constructor(private readonly dir: string) {}

  /** The text to hand over for `path`: `content`, or the encrypted file's bytes when it holds the same. */
  resolve(path: string, content: string): string {
    if (!SECRET_FILE.test(path) || !content.includes(VALUES_DIGEST_ANNOTATION)) return content;
    const old = read(join(this.dir, path));
    if (old === undefined || old === content) return content;
    const encrypted = sopsEncrypted(old);
    if (!encrypted) return content;
    if (sameAsEncrypted(encrypted, content)) {
      this.keptFiles.push(path);
      return old;
    }
    this.changedFiles.push(path);
    return content;
  }

  /** The files kept encrypted and those to encrypt again, each sorted. */
  report(): { kept: string[]; changed: string[] } {
    return { kept: [...this.keptFiles].sort(), changed: [...this.changedFiles].sort() };
  }
}

/**
 * The warning of encrypted Secret files written in plain text again (none: undefined). `out` is
 * the output folder as the user named it; `diff` says what synth would do.
 */
export function reencryptWarning(changed: readonly string[], out: string, diff = false): string | undefined {
  if (!changed.length) return undefined;
  const one = changed.length === 1;
  const files = changed.map((p) => join(out, p));
  const what = `${one ? 'the SOPS-encrypted Secret' : `${changed.length} SOPS-encrypted Secrets`} ${files.join(', ')}`;
  const written = diff ? `synth would write ${one ? 'it' : 'them'} in plain text again, to encrypt again` : `${one ? 'it is' : 'they are'} written in plain text again: encrypt ${one ? 'it' : 'them'} again`;
  return `the content of ${what} changed, so ${written} before committing (sops --encrypt --in-place ${files.join(' ')})`;
}

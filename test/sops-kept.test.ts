// Issue 15: credentials Secrets committed encrypted with SOPS are kept across runs.
//
// The sops binary is not installed where these tests run, so an encrypted file is written by hand
// here (`encryptLikeSops`) with the structure `sops --encrypt --in-place` gives a Secret under the
// rules of the generated .sops.yaml (`encrypted_regex: ^(data|stringData)$`): every value under
// `data` and `stringData` replaced by `ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`, the rest
// (apiVersion, kind, metadata with its annotations, type) in the clear, re-emitted in sops' style
// (4-space indentation), and a `sops:` block with the age recipient, `lastmodified`, `mac` and
// `version`. The test only relies on what sops documents: the keys it leaves in the clear.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { App } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { Bundle, Platform, Postgres, synthesize } from '../lib/index.js';
import { run } from '../lib/cli/run.js';
import { VALUES_DIGEST_ANNOTATION, valuesDigest } from '../lib/core/values-digest.js';
import { sopsEncrypted } from '../lib/output/sops-kept.js';

const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cozystack-sops-kept-'));
  dirs.push(d);
  return d;
};

const enc = (): string => `ENC[AES256_GCM,data:${randomBytes(24).toString('base64')},iv:${randomBytes(12).toString('base64')},tag:${randomBytes(16).toString('base64')},type:str]`;

/** What `sops --encrypt --in-place` makes of a Secret file under the generated rule (see the header). */
function encryptLikeSops(file: string): string {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of ['data', 'stringData']) {
    const part = doc[k] as Record<string, string> | undefined;
    if (part) for (const key of Object.keys(part)) part[key] = enc();
  }
  doc.sops = {
    age: [{ recipient: AGE, enc: '-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBleGFtcGxl\n-----END AGE ENCRYPTED FILE-----\n' }],
    lastmodified: '2026-12-01T12:00:00Z',
    mac: enc(),
    encrypted_regex: '^(data|stringData)$',
    version: '3.9.1',
  };
  const text = stringify(doc, { indent: 4 });
  writeFileSync(file, text);
  return text;
}

const PLATFORM = `apiVersion: cdk8s.cozystack.io/v1alpha1
kind: Platform
metadata:
  name: platform
spec:
  bundle: paas-full
  rootHost: example.org
  apiServerEndpoint: https://api.example.org:6443
  credentials:
    sops:
      age: [${AGE}]
`;
const postgres = (name: string, password: string): string => `---
apiVersion: apps.cozystack.io/v1alpha1
kind: Postgres
metadata:
  name: ${name}
  namespace: tenant-root
spec:
  users:
    app:
      password: ${JSON.stringify(password)}
`;

/** A folder with an input of three Postgres apps (each a credentials Secret) and an output `out/`. */
function setUp(passwords: Record<string, string> = { a: 'pw-a-1', b: 'pw-b-1', c: 'pw-c-1' }) {
  const dir = temp();
  mkdirSync(join(dir, 'input'));
  const write = (pw: Record<string, string>) => writeFileSync(join(dir, 'input', 'platform.yaml'), PLATFORM + Object.entries(pw).map(([n, p]) => postgres(n, p)).join(''));
  write(passwords);
  const out = join(dir, 'out');
  const secret = (n: string) => join(out, 'secrets', 'tenant-root', `secret-postgres-${n}-credential-values.yaml`);
  const synth = () => run(['synth', '-f', join(dir, 'input'), '--out', out]);
  const diff = () => run(['diff', '-f', join(dir, 'input'), '--out', out]);
  return { dir, out, write, secret, synth, diff };
}

describe('credentials Secrets encrypted with SOPS are kept across runs (issue 15)', () => {
  it('the plain text synth writes carries a salted scrypt digest in an annotation SOPS leaves in the clear', () => {
    const s = setUp();
    expect(s.synth().code).toBe(0);
    const text = readFileSync(s.secret('a'), 'utf8');
    const doc = parse(text) as { metadata: { name: string; namespace: string; annotations: Record<string, string> }; type: string; stringData: Record<string, string> };
    const digest = doc.metadata.annotations[VALUES_DIGEST_ANNOTATION]!;
    expect(digest).toMatch(/^scrypt-v1:N=32768,r=8,p=1:[A-Za-z0-9_-]{43}$/);
    // The digest of exactly what SOPS encrypts, salted with the Secret's identity and the recipients.
    expect(digest).toBe(valuesDigest({ namespace: 'tenant-root', name: doc.metadata.name, type: doc.type, stringData: doc.stringData }, [AGE]));
    expect(valuesDigest({ namespace: 'tenant-root', name: 'other', type: doc.type, stringData: doc.stringData }, [AGE])).not.toBe(digest);
    expect(valuesDigest({ namespace: 'tenant-root', name: doc.metadata.name, type: doc.type, stringData: doc.stringData }, ['age1other'])).not.toBe(digest);
    // The annotation is outside what the generated rule encrypts; no credential is in it.
    const rule = readFileSync(join(s.out, '.sops.yaml'), 'utf8');
    expect(rule).toContain('encrypted_regex: ^(data|stringData)$');
    expect(VALUES_DIGEST_ANNOTATION).not.toMatch(/^(data|stringData)$/);
    expect(digest).not.toContain('pw-a-1');
    expect(text.split('pw-a-1')).toHaveLength(2); // the password once, in stringData
    // Without SOPS recipients there is no digest.
    const plain = setUp();
    writeFileSync(join(plain.dir, 'input', 'platform.yaml'), PLATFORM.replace(/ {2}credentials:[\s\S]*$/, '') + postgres('a', 'pw'));
    expect(plain.synth().code).toBe(0);
    expect(readFileSync(plain.secret('a'), 'utf8')).not.toContain(VALUES_DIGEST_ANNOTATION);
  });

  it('the test stand-in for sops makes what the tool recognises as encrypted, and plain text is not', () => {
    const s = setUp();
    s.synth();
    expect(sopsEncrypted(readFileSync(s.secret('a'), 'utf8'))).toBeUndefined();
    expect(sopsEncrypted(encryptLikeSops(s.secret('a')))).toBeDefined();
    // A sops block over values left in plain text is not an encrypted file.
    const half = readFileSync(s.secret('a'), 'utf8').replace(/values\.yaml: ENC\[[^\n]*/, 'values.yaml: "{}"');
    expect(sopsEncrypted(half)).toBeUndefined();
  });

  it('unchanged: an encrypted file is kept byte for byte, nothing is rewritten, diff shows no change', () => {
    const s = setUp();
    expect(s.synth().code).toBe(0);
    const encrypted = encryptLikeSops(s.secret('a'));
    const mtime = statSync(s.secret('a')).mtimeMs;
    const r = s.synth();
    expect(r.code).toBe(0);
    expect(statSync(s.secret('a')).mtimeMs).toBe(mtime); // not written again
    // Only the file the user encrypted differs from what synth wrote, and synth does not put it back.
    expect(r.stdout).toMatch(/, 0 changed,/);
    expect(readFileSync(s.secret('a'), 'utf8')).toBe(encrypted);
    expect(r.stderr).not.toMatch(/encrypt (it|them) again/);
    // Still the tool's file: listed in the manifest.
    const manifest = JSON.parse(readFileSync(join(s.out, '.cozystack-cdk8s-manifest.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('secrets/tenant-root/secret-postgres-a-credential-values.yaml');
    const d = s.diff();
    expect(d).toMatchObject({ code: 0, stdout: '0 added, 0 removed, 0 changed\n' });
    // Kept again on a run that changes something else: the new tree holds the encrypted bytes.
    s.write({ a: 'pw-a-1', b: 'pw-b-2', c: 'pw-c-1' });
    expect(s.synth()).toMatchObject({ code: 0, stdout: expect.stringMatching(/, 1 changed,/) });
    expect(readFileSync(s.secret('a'), 'utf8')).toBe(encrypted);
  });

  it('plaintext is never written over an encrypted file whose content is unchanged (every file encrypted, many runs, the library too)', () => {
    const s = setUp();
    s.synth();
    const encrypted = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, encryptLikeSops(s.secret(n))]));
    for (let i = 0; i < 3; i++) {
      expect(s.synth()).toMatchObject({ code: 0, stdout: expect.stringMatching(/, 0 changed,/) });
      for (const n of ['a', 'b', 'c']) expect(readFileSync(s.secret(n), 'utf8')).toBe(encrypted[n]);
    }
    for (const n of ['a', 'b', 'c']) expect(readFileSync(s.secret(n), 'utf8')).not.toMatch(/pw-[abc]-1/);
    // The library: the same platform built in code, written into the same folder.
    const app = new App();
    const platform = new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443', credentials: { sops: { age: [AGE] } } });
    for (const n of ['a', 'b', 'c']) new Postgres(platform.rootTenant, n, { users: { app: { password: `pw-${n}-1` } } });
    const result = synthesize(app, { outdir: s.out });
    expect(result.encryptedSecrets).toEqual({ kept: ['a', 'b', 'c'].map((n) => `secrets/tenant-root/secret-postgres-${n}-credential-values.yaml`), changed: [] });
    for (const n of ['a', 'b', 'c']) expect(readFileSync(s.secret(n), 'utf8')).toBe(encrypted[n]);
  });

  it('changed: the file is written in plain text again and synth (and diff) name it, to encrypt again', () => {
    const s = setUp();
    s.synth();
    const encA = encryptLikeSops(s.secret('a'));
    const encB = encryptLikeSops(s.secret('b'));
    s.write({ a: 'pw-a-2', b: 'pw-b-1', c: 'pw-c-1' });
    const d = s.diff();
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/^~ Secret tenant-root\/postgres-a-credential-values \(secrets\/tenant-root\/secret-postgres-a-credential-values\.yaml\)$/m);
    expect(d.stdout).not.toMatch(/postgres-b-credential/);
    expect(d.stdout + d.stderr).not.toMatch(/pw-a-[12]/);
    expect(d.stderr).toContain(`warning: the content of the SOPS-encrypted Secret ${s.secret('a')} changed, so synth would write it in plain text again`);
    const r = s.synth();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/, 1 changed,/);
    expect(r.stderr).toContain(`warning: the content of the SOPS-encrypted Secret ${s.secret('a')} changed, so it is written in plain text again: encrypt it again before committing (sops --encrypt --in-place ${s.secret('a')})`);
    expect(r.stderr).not.toMatch(/pw-a-[12]/);
    const a = readFileSync(s.secret('a'), 'utf8');
    expect(a).not.toBe(encA);
    expect(a).toContain('pw-a-2');
    expect(a).not.toMatch(/^sops:/m);
    expect(readFileSync(s.secret('b'), 'utf8')).toBe(encB);
    // A change of the clear part only (the recipients: the salt) also rewrites the file.
    encryptLikeSops(s.secret('a'));
    writeFileSync(join(s.dir, 'input', 'platform.yaml'), readFileSync(join(s.dir, 'input', 'platform.yaml'), 'utf8').replace(`age: [${AGE}]`, `age: [${AGE}, age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq]`));
    const r2 = s.synth();
    expect(r2.code).toBe(0);
    // a and b were encrypted (c was still plain text: rewritten, not named).
    expect(r2.stderr).toMatch(/the content of 2 SOPS-encrypted Secrets \S+secret-postgres-a-credential-values\.yaml, \S+secret-postgres-b-credential-values\.yaml changed, so they are written in plain text again/);
    // A hand edit of the clear part of an encrypted file is not kept either.
    s.synth();
    const edited = encryptLikeSops(s.secret('c')).replace('cdk8s.cozystack.io/credentials: "true"', 'cdk8s.cozystack.io/credentials: "true"\n        extra: label');
    writeFileSync(s.secret('c'), edited);
    expect(s.synth().stderr).toMatch(/SOPS-encrypted Secret \S+secret-postgres-c-credential-values\.yaml changed/);
    expect(parse(readFileSync(s.secret('c'), 'utf8')).sops).toBeUndefined();
  });

  it('added and removed: a new Secret is written in plain text, a removed one is deleted with its encrypted file', () => {
    const s = setUp({ a: 'pw-a-1', b: 'pw-b-1' });
    s.synth();
    const encA = encryptLikeSops(s.secret('a'));
    encryptLikeSops(s.secret('b'));
    s.write({ a: 'pw-a-1', c: 'pw-c-1' }); // b removed, c added
    const d = s.diff();
    expect(d.stdout).toMatch(/^\+ Secret tenant-root\/postgres-c-credential-values/m);
    expect(d.stdout).toMatch(/^- Secret tenant-root\/postgres-b-credential-values/m);
    expect(d.stdout).not.toMatch(/^. Secret tenant-root\/postgres-a-credential-values/m);
    const r = s.synth();
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/encrypt (it|them) again/); // nothing encrypted was rewritten
    expect(r.stderr).toMatch(/credentials Secrets .*tenant-root\/postgres-c-credential-values.* go to secrets\/.*, written in plain text until encrypted/);
    expect(readFileSync(s.secret('a'), 'utf8')).toBe(encA);
    expect(existsSync(s.secret('b'))).toBe(false);
    expect(readFileSync(s.secret('c'), 'utf8')).toContain('pw-c-1');
    const manifest = JSON.parse(readFileSync(join(s.out, '.cozystack-cdk8s-manifest.json'), 'utf8')) as { files: string[] };
    expect(manifest.files.filter((f) => f.startsWith('secrets/tenant-root/secret-'))).toEqual(['a', 'c'].map((n) => `secrets/tenant-root/secret-postgres-${n}-credential-values.yaml`));
    expect(readFileSync(join(s.out, 'secrets', 'tenant-root', 'kustomization.yaml'), 'utf8')).not.toMatch(/postgres-b/);
  });

  it('kept the same when worker threads compare and write the files (the path of large outputs)', () => {
    const before = process.env.COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES;
    process.env.COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES = '1';
    try {
      const s = setUp();
      expect(s.synth().code).toBe(0);
      const encA = encryptLikeSops(s.secret('a'));
      const encB = encryptLikeSops(s.secret('b'));
      expect(s.synth()).toMatchObject({ code: 0, stdout: expect.stringMatching(/, 0 changed,/) });
      expect(s.diff()).toMatchObject({ code: 0 });
      s.write({ a: 'pw-a-1', b: 'pw-b-2', c: 'pw-c-2' });
      const r = s.synth();
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/the content of the SOPS-encrypted Secret \S+secret-postgres-b-credential-values\.yaml changed/);
      expect(readFileSync(s.secret('a'), 'utf8')).toBe(encA);
      expect(readFileSync(s.secret('b'), 'utf8')).not.toBe(encB);
      expect(readFileSync(s.secret('b'), 'utf8')).toContain('pw-b-2');
    } finally {
      if (before === undefined) delete process.env.COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES;
      else process.env.COZYSTACK_CDK8S_BACKGROUND_WRITE_MIN_FILES = before;
    }
  });

  it('an encrypted file the tool did not write (not in its manifest) is still refused as a user file', () => {
    const s = setUp({ a: 'pw-a-1' });
    s.synth();
    encryptLikeSops(s.secret('a'));
    const m = join(s.out, '.cozystack-cdk8s-manifest.json');
    const manifest = JSON.parse(readFileSync(m, 'utf8')) as { files: string[] };
    writeFileSync(m, `${JSON.stringify({ ...manifest, files: manifest.files.filter((f) => !f.includes('secret-postgres-a')) }, null, 2)}\n`);
    s.write({ a: 'pw-a-2' });
    const r = s.synth();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secret-postgres-a-credential-values\.yaml is not a file cozystack-cdk8s wrote/);
  });
});

// lib/model/names.ts and lib/model/credential-mask.ts by their rules.
//
// Names: upstream v1.6.2 calls the PackageSource of a system component `cozystack.<component>`
// (packages/core/platform/sources/gpu-operator.yaml: `cozystack.gpu-operator`, variant `default`),
// that of an application chart `cozystack.<chart>-application`
// (sources/bucket-application.yaml), and the ExternalArtifact an application's resource
// definition points to `cozystack-bucket-application-default-bucket`
// (packages/system/bucket-rd/cozyrds/bucket.yaml: `<packagesource>-<variant>-<component>`, every
// `.` replaced by `-`).
//
// Masks: docs/safety.md, "Nothing printed leaks a credential": the password of URL userinfo
// (`https://user:(masked)@host`, a lone token as user masked), scalars at keys named like a
// credential (`password`, `secret`, `token`, `accesskey`), every other value printed as it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applicationPackageName, artifactName, componentPackageName, DEFAULT_VARIANT } from '../lib/model/names.js';
import { isCredentialPath, MASKED, MASKED_CHANGED, maskCredentials, maskUrlUserinfo } from '../lib/model/credential-mask.js';

const upstream = (path: string): unknown => parse(readFileSync(new URL(`../releases/v1.6.2/upstream/${path}`, import.meta.url), 'utf8'));

describe('names of PackageSources and ExternalArtifacts (upstream v1.6.2)', () => {
  it('names a component PackageSource and its variant as upstream does', () => {
    const gpu = upstream('packages/core/platform/sources/gpu-operator.yaml') as { metadata: { name: string }; spec: { variants: { name: string }[] } };
    expect(componentPackageName('gpu-operator')).toBe(gpu.metadata.name);
    expect(componentPackageName('gpu-operator')).toBe('cozystack.gpu-operator');
    expect(DEFAULT_VARIANT).toBe(gpu.spec.variants[0]!.name);
  });

  it('names an application PackageSource as upstream does', () => {
    const bucket = upstream('packages/core/platform/sources/bucket-application.yaml') as { metadata: { name: string } };
    expect(applicationPackageName('bucket')).toBe(bucket.metadata.name);
    expect(applicationPackageName('postgres')).toBe('cozystack.postgres-application');
  });

  it('names the ExternalArtifact of a component as the resource definitions reference it', () => {
    const rd = upstream('packages/system/bucket-rd/cozyrds/bucket.yaml') as { spec: { release: { chartRef: { name: string } } } };
    expect(artifactName(applicationPackageName('bucket'), DEFAULT_VARIANT, 'bucket')).toBe(rd.spec.release.chartRef.name);
    expect(artifactName('cozystack.bucket-application', 'default', 'bucket')).toBe('cozystack-bucket-application-default-bucket');
  });

  it('replaces every dot, in each of the three parts', () => {
    expect(artifactName('a.b.c', 'v.1', 'x.y')).toBe('a-b-c-v-1-x-y');
  });
});

describe('URL userinfo is masked', () => {
  it('masks the password and keeps the user', () => {
    expect(maskUrlUserinfo('https://git:s3cr3t@example.org/repo.git')).toBe(`https://git:${MASKED}@example.org/repo.git`);
    expect(maskUrlUserinfo('https://git:@example.org/')).toBe(`https://git:${MASKED}@example.org/`);
  });

  it('masks a lone token given as the user', () => {
    expect(maskUrlUserinfo('https://ghp_T0KEN@github.com/o/r')).toBe(`https://${MASKED}@github.com/o/r`);
  });

  it('masks every URL of a text, whatever the scheme and its case', () => {
    expect(maskUrlUserinfo('a HTTPS://u:p@h b oci+x.y-z://t@r c')).toBe(`a HTTPS://u:${MASKED}@h b oci+x.y-z://${MASKED}@r c`);
    expect(maskUrlUserinfo('one https://a:1@h and two ssh://b:2@h')).toBe(`one https://a:${MASKED}@h and two ssh://b:${MASKED}@h`);
    // A scheme may end in a digit (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
    expect(maskUrlUserinfo('s3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/x')).toBe(`s3://AKIAEXAMPLE:${MASKED}@bucket/x`);
    expect(maskUrlUserinfo('git+ssh://git:pw@h/r')).toBe(`git+ssh://git:${MASKED}@h/r`);
  });

  it('masks passwords up to its bound (1024 characters), users up to 256', () => {
    const pw = 'p'.repeat(1024);
    expect(maskUrlUserinfo(`https://u:${pw}@h`)).toBe(`https://u:${MASKED}@h`);
    const user = 'u'.repeat(256);
    expect(maskUrlUserinfo(`https://${user}:x@h`)).toBe(`https://${user}:${MASKED}@h`);
    const scheme = `s${'x'.repeat(31)}`;
    expect(maskUrlUserinfo(`${scheme}://u:x@h`)).toBe(`${scheme}://u:${MASKED}@h`);
  });

  it('leaves texts without userinfo as they are', () => {
    for (const s of [
      'https://example.org/repo.git',
      'https://api.example.org:6443/x',
      'https://example.org/a@b',
      'https://example.org/?q=a:b@c',
      'git@github.com:o/r.git',
      'user:password@host',
      'mailto:a@b',
      'plain text',
      '',
    ]) {
      expect(maskUrlUserinfo(s)).toBe(s);
    }
  });
});

describe('values at credential keys are masked', () => {
  it('masks scalars at keys named like a credential, in any case, at any depth', () => {
    expect(
      maskCredentials({
        password: 'p',
        adminPassword: 'p',
        secretKey: 'k',
        s3SecretKey: 'k',
        token: 't',
        apiTOKEN: 't',
        accessKey: 'a',
        AccessKeyID: 'a',
        port: 6443,
        users: { alice: { password: 12345, name: 'alice' } },
        list: [{ token: true }, 'x'],
      }),
    ).toEqual({
      password: MASKED,
      adminPassword: MASKED,
      secretKey: MASKED,
      s3SecretKey: MASKED,
      token: MASKED,
      apiTOKEN: MASKED,
      accessKey: MASKED,
      AccessKeyID: MASKED,
      port: 6443,
      users: { alice: { password: MASKED, name: 'alice' } },
      list: [{ token: MASKED }, 'x'],
    });
  });

  it('looks inside maps and lists at credential keys instead of hiding their shape', () => {
    expect(maskCredentials({ secrets: { name: 'n', password: 'p' }, tokens: ['https://u:p@h', { token: 'x' }] })).toEqual({
      secrets: { name: 'n', password: MASKED },
      tokens: [`https://u:${MASKED}@h`, { token: MASKED }],
    });
  });

  it('shows an unset credential (null) as unset: there is nothing to hide', () => {
    expect(maskCredentials({ password: null })).toEqual({ password: null });
  });

  it('masks URL userinfo in any string, and keeps other scalars', () => {
    expect(maskCredentials('https://u:p@h')).toBe(`https://u:${MASKED}@h`);
    expect(maskCredentials(['https://t@h', 1, null, false])).toEqual([`https://${MASKED}@h`, 1, null, false]);
    expect(maskCredentials(7)).toBe(7);
    expect(maskCredentials(undefined)).toBeUndefined();
  });

  it('does not modify its input', () => {
    const v = { password: 'p', m: { token: 't' } };
    maskCredentials(v);
    expect(v).toEqual({ password: 'p', m: { token: 't' } });
  });

  it('says a masked value changed without showing it', () => {
    expect(MASKED).toBe('(masked)');
    expect(MASKED_CHANGED).toBe('(masked, changed)');
  });
});

describe('credential paths', () => {
  it.each(['.users.alice.password', 'spec.users[0].token', 'password', 'backup.s3SecretKey', 'spec.tokens[0]', 'spec.tokens[10]', 'a.b[1][22].accessKey', 'x.clientSecret'])('%s is a credential path', (p) => {
    expect(isCredentialPath(p)).toBe(true);
  });
  it.each(['', '.users.alice', 'spec.users[0]', 'password.name', 'spec.password.user', 'a[0]', 'host', '.'])('%s is not', (p) => {
    expect(isCredentialPath(p)).toBe(false);
  });
});

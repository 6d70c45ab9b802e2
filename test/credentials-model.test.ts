// lib/model/credentials.ts and lib/model/credential-shapes.ts by the rules of docs/safety.md
// ("Credentials reach the chart as given", "Credentials recognised by their shape"): schema string
// properties named like a credential (password, secret, token, access key) are credentials, also
// under maps (`additionalProperties`) and lists (`items`); non-empty strings there leave the
// values, neither input changed; the credentials document is JSON with sorted keys, a credential
// in a list moving with its whole list, the maps on the way kept; a Helm `--set` path escapes
// `.`, `,`, `=`, `[`, `]` and `\` in keys (helm strvals); a Secret data key has only
// `[-._a-zA-Z0-9]` (Kubernetes). Shapes: URL userinfo passwords, private key blocks, AWS `AKIA`,
// GitHub `ghp_`/`github_pat_`, GitLab `glpat-`, Slack `xox?-` tokens and webhook URLs; in free-form
// maps (`valuesOverride`, `values`, `extraValues`, `customConfig`) keys named like a credential
// but not a reference; in `cloudInit` a password; strings scanned on their first 64 KiB.
import { describe, expect, it } from 'vitest';
import type { Values } from '../lib/core/values.js';
import { credentialPatterns, credentialsDocument, CREDENTIALS_VALUES_KEY, extractCredentials, isCredentialKey, secretKey, targetPath } from '../lib/model/credentials.js';
import { credentialShapeOf, findCredentialShapes, isCredentialLikeKey } from '../lib/model/credential-shapes.js';

describe('credentials a schema marks', () => {
  it('credential keys by name, any case', () => {
    for (const k of ['password', 'adminPassword', 'SECRET', 'clientSecret', 'token', 'apiToken', 'accessKey', 'AccessKey']) expect(isCredentialKey(k), k).toBe(true);
    for (const k of ['user', 'passphrase', 'access', 'key', 'tokn']) expect(isCredentialKey(k), k).toBe(false);
  });

  it('finds string properties named like a credential, under maps and lists, and only strings', () => {
    const schema = {
      type: 'object',
      properties: {
        password: { type: 'string' },
        replicas: { type: 'integer' },
        tokenTtl: { type: 'integer' },
        users: { type: 'object', additionalProperties: { type: 'object', properties: { password: { type: 'string' }, readonly: { type: 'boolean' } } } },
        s3: { type: 'object', properties: { accessKey: { type: 'string' }, secretKey: { type: 'string' }, region: { type: 'string' } } },
        keys: { type: 'array', items: { type: 'object', properties: { token: { type: 'string' } } } },
        secrets: { type: 'object', properties: { nested: { type: 'object', properties: { name: { type: 'string' } } } } },
        additionalProperties: { type: 'string' },
      },
    };
    expect(credentialPatterns(schema)).toEqual([['password'], ['users', '*', 'password'], ['s3', 'accessKey'], ['s3', 'secretKey'], ['keys', '*', 'token']]);
    expect(credentialPatterns(schema)).toBe(credentialPatterns(schema));
    expect(credentialPatterns({ type: 'string' })).toEqual([]);
    expect(credentialPatterns({ properties: { a: 'not a schema', b: { additionalProperties: true, items: false } } })).toEqual([]);
  });

  it('moves non-empty strings at credential paths out of the values, leaving both inputs as they were', () => {
    const values = { password: 'p1', replicas: 2, users: { alice: { password: 'p2', readonly: true }, bob: { password: '' }, carol: { readonly: false } }, keys: [{ token: 't0' }, { token: 5 }], s3: 'not a map' };
    const before = structuredClone(values);
    const patterns = [['password'], ['users', '*', 'password'], ['keys', '*', 'token'], ['s3', 'accessKey'], ['absent', 'x'], ['password', 'deeper']];
    const frozen = patterns.map((p) => Object.freeze([...p]));
    const r = extractCredentials(values, frozen);
    expect(r.credentials).toEqual([
      { path: ['password'], value: 'p1' },
      { path: ['users', 'alice', 'password'], value: 'p2' },
      { path: ['keys', '[0]', 'token'], value: 't0' },
    ]);
    expect(r.values).toEqual({ replicas: 2, users: { alice: { readonly: true }, bob: { password: '' }, carol: { readonly: false } }, keys: [{}, { token: 5 }], s3: 'not a map' });
    expect(values).toEqual(before);
    // Nothing on a path: the same object back.
    const plain = { replicas: 1, list: [1, 2] };
    expect(extractCredentials(plain, [['password'], ['absent', '*']]).values).toBe(plain);
    expect(extractCredentials(plain, [['list', '*', 'x']]).values).toEqual(plain);
    expect(extractCredentials(plain, []).values).toBe(plain);
  });

  it('Helm --set paths escape the special characters of keys; list indexes stay brackets', () => {
    expect(targetPath(['users', 'alice', 'password'])).toBe('users.alice.password');
    expect(targetPath(['keys', '[0]', 'token'])).toBe('keys[0].token');
    expect(targetPath(['[1]', 'a'])).toBe('[1].a');
    expect(targetPath(['a.b', 'c,d', 'e=f', 'g[h]', 'i\\j'])).toBe('a\\.b.c\\,d.e\\=f.g\\[h\\].i\\\\j');
    expect(targetPath(['[x]'])).toBe('\\[x\\]');
    expect(targetPath(['a[0]'])).toBe('a\\[0\\]');
    expect(targetPath(['[0]x'])).toBe('\\[0\\]x');
    expect(targetPath(['l', '[12]'])).toBe('l[12]');
  });

  it('Secret data keys keep [-_a-zA-Z0-9], other characters become _, dots between segments', () => {
    expect(secretKey(['users', 'alice', 'password'])).toBe('users.alice.password');
    expect(secretKey(['keys', '[0]', 'token'])).toBe('keys._0_.token');
    expect(secretKey(['a.b', 'c d/é', 'x-Y_9'])).toBe('a_b.c_d__.x-Y_9');
    expect(CREDENTIALS_VALUES_KEY).toBe('values.yaml');
  });

  it('the credentials document: JSON with sorted keys, lists moved whole, the maps on the way kept', () => {
    const values: Values = { z: 1, users: { bob: { password: 'b', role: 'r' }, alice: { password: 'a' } }, keys: [{ token: 't0', name: 'k0' }, { name: 'k1' }], deep: { er: { token: 'x' } } };
    const before = structuredClone(values);
    const { document, values: clean } = credentialsDocument(values, [
      { path: ['users', 'bob', 'password'], value: 'b' },
      { path: ['users', 'alice', 'password'], value: 'a' },
      { path: ['keys', '[0]', 'token'], value: 't0' },
      { path: ['deep', 'er', 'token'], value: 'x' },
      { path: ['missing', 'token'], value: 'm' },
    ]);
    expect(document).toBe(`${JSON.stringify({ deep: { er: { token: 'x' } }, keys: [{ name: 'k0', token: 't0' }, { name: 'k1' }], missing: {}, users: { alice: { password: 'a' }, bob: { password: 'b' } } }, null, 2)}\n`);
    expect(JSON.parse(document).missing).toEqual({});
    expect(clean).toEqual({ z: 1, users: { bob: { role: 'r' }, alice: {} }, deep: { er: {} } });
    expect(values).toEqual(before);
    expect(credentialsDocument({ a: 1 }, [])).toEqual({ document: '{}\n', values: { a: 1 } });
    // A list at the root of the path.
    expect(credentialsDocument({ l: [{ token: 'x' }], k: 2 }, [{ path: ['l', '[0]', 'token'], value: 'x' }]).values).toEqual({ k: 2 });
    // An index of two digits cuts at its list; a key that merely contains brackets does not.
    const listed = credentialsDocument({ l: [{ token: 'x' }], 'x[0]': { token: 'y' }, 'y[0]z': { token: 'z' }, '[1]k': { token: 'w' } }, [
      { path: ['l', '[12]', 'token'], value: 'x' },
      { path: ['x[0]', 'token'], value: 'y' },
      { path: ['y[0]z', 'token'], value: 'z' },
      { path: ['[1]k', 'token'], value: 'w' },
    ]);
    expect(JSON.parse(listed.document)).toEqual({ l: [{ token: 'x' }], 'x[0]': { token: 'y' }, 'y[0]z': { token: 'z' }, '[1]k': { token: 'w' } });
    expect(listed.values).toEqual({ 'x[0]': {}, 'y[0]z': {}, '[1]k': {} });
    // A path through a value that is not a map: the values stay.
    expect(credentialsDocument({ a: 'text' }, [{ path: ['a', 'token'], value: 'x' }]).values).toEqual({ a: 'text' });
  });
});

describe('credentials by their shape', () => {
  it('URL userinfo passwords, not a user alone nor a URL without userinfo', () => {
    for (const s of ['https://user:token@git.example/c.git', 'ssh://git:p@h', 'a://:b@', 's3+https://k:s@host', 'see https://u:p@h/x for more']) expect(credentialShapeOf(s), s).toBe('a URL with a password in its userinfo');
    for (const s of ['https://user@git.example', 'https://git.example/a:b@c', 'https://git.example', 'a://:@', 'user:pass@host', '://u:p@h', 'a://:b']) expect(credentialShapeOf(s), s).toBeUndefined();
    expect(credentialShapeOf(`https://u:${'p'.repeat(1024)}@h`)).toBeDefined();
    expect(credentialShapeOf(`https://u:${'p'.repeat(1025)}@h`)).toBeUndefined();
    expect(credentialShapeOf(`https://${'u'.repeat(256)}:p@h`)).toBeDefined();
    expect(credentialShapeOf(`${'s'.repeat(33)}://u:p@h`)).toBe('a URL with a password in its userinfo'); // the last 32 characters of the scheme
  });

  it('private keys and the tokens of well-known services by their prefix', () => {
    expect(credentialShapeOf('-----BEGIN PRIVATE KEY-----\nMII')).toBe('a private key');
    expect(credentialShapeOf('-----BEGIN RSA PRIVATE KEY-----')).toBe('a private key');
    expect(credentialShapeOf('-----BEGIN OPENSSH PRIVATE KEY-----')).toBe('a private key');
    expect(credentialShapeOf('-----BEGIN PUBLIC KEY-----')).toBeUndefined();
    expect(credentialShapeOf('-----BEGIN CERTIFICATE-----')).toBeUndefined();
    expect(credentialShapeOf(`AKIA${'A1'.repeat(8)}`)).toBe('an AWS access key id');
    expect(credentialShapeOf(`AKIA${'A1'.repeat(7)}A`)).toBeUndefined();
    expect(credentialShapeOf(`xAKIA${'A1'.repeat(8)}`)).toBeUndefined();
    expect(credentialShapeOf(`AKIA${'a1'.repeat(8)}`)).toBeUndefined();
    for (const p of ['ghp', 'gho', 'ghu', 'ghs', 'ghr']) expect(credentialShapeOf(`${p}_${'a'.repeat(36)}`), p).toBe('a GitHub token');
    expect(credentialShapeOf(`ghp_${'a'.repeat(35)}`)).toBeUndefined();
    expect(credentialShapeOf(`ghx_${'a'.repeat(36)}`)).toBeUndefined();
    expect(credentialShapeOf(`github_pat_${'a'.repeat(22)}`)).toBe('a GitHub token');
    expect(credentialShapeOf(`github_pat_${'a'.repeat(21)}`)).toBeUndefined();
    expect(credentialShapeOf(`glpat-${'a'.repeat(20)}`)).toBe('a GitLab token');
    expect(credentialShapeOf(`glpat-${'a'.repeat(19)}`)).toBeUndefined();
    for (const p of ['a', 'b', 'p', 'r', 's']) expect(credentialShapeOf(`xox${p}-${'1'.repeat(10)}`), p).toBe('a Slack token');
    expect(credentialShapeOf(`xoxq-${'1'.repeat(10)}`)).toBeUndefined();
    expect(credentialShapeOf(`xoxb-${'1'.repeat(9)}`)).toBeUndefined();
    expect(credentialShapeOf('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('a Slack webhook URL');
    expect(credentialShapeOf('hooks.slack.com/services/short')).toBeUndefined();
    expect(credentialShapeOf('plain text')).toBeUndefined();
    expect(credentialShapeOf('a://:b')).toBeUndefined();
  });

  it('scans the first 64 KiB of a long string', () => {
    const token = `ghp_${'a'.repeat(36)}`;
    expect(credentialShapeOf(`${' '.repeat(64 * 1024 - token.length)}${token}`)).toBe('a GitHub token');
    expect(credentialShapeOf(`${' '.repeat(64 * 1024 - token.length + 1)}${token}`)).toBeUndefined();
    expect(credentialShapeOf(`${' '.repeat(64 * 1024 - 11)}https://u:p@h`)).toBeUndefined();
    expect(credentialShapeOf(`${' '.repeat(64 * 1024 - 12)}https://u:p@h`)).toBe('a URL with a password in its userinfo');
  });

  it('free-form keys: credentials, not references to them', () => {
    for (const k of ['accessKeyId', 'tokenPathValue', 'password', 'passwd', 'clientSecret', 'token', 'apiKey', 'api_key', 'apikey', 'accessKey', 'access_key', 'privateKey', 'private_key', 'credentials', 'webhook', 'slackWebhookUrl']) expect(isCredentialLikeKey(k), k).toBe(true);
    for (const k of ['secretName', 'tokenSecretRef', 'existingSecret', 'passwordFile', 'tokenPath', 'tokenEnabled', 'secretKeyRef', 'accessKeyKey', 'user', 'replicas']) expect(isCredentialLikeKey(k), k).toBe(false);
  });

  it('finds shapes anywhere, keys only in free-form maps, cloud-init passwords, with paths and no values', () => {
    const token = `ghp_${'a'.repeat(36)}`;
    const found = findCredentialShapes({
      url: 'https://u:p@git.example',
      empty: '',
      password: 'not free-form, no shape',
      list: ['x', token],
      addons: { certManager: { valuesOverride: { token: 'abc', secretName: 'n', deep: { apiKey: 12345 }, 'odd key': { password: 'x' }, n: 5 } } },
      vm: { cloudInit: '#cloud-config\nchpasswd:\n  list: |\n    root:x\n', cloudinit: 'users:\n  - name: a\n    passwd: x', cloudInitOther: 'password: x', other: 'password: x' },
      values: ['a', { secret: 's' }],
      extraValues: { webhook: 'w' },
      customConfig: { privateKey: true, token: 'c' },
      valuesOverrideEmpty: { valuesOverride: { token: '' } },
      userCloudInit: 'password: x',
      _a: { 'b-c': { '1b': { values: { token: 't' } } } },
    }, '.spec');
    expect(found).toEqual([
      { path: '.spec.url', reason: 'looks like a URL with a password in its userinfo' },
      { path: '.spec.list[1]', reason: 'looks like a GitHub token' },
      { path: '.spec.addons.certManager.valuesOverride.token', reason: "key 'token' of a free-form map names a credential" },
      { path: '.spec.addons.certManager.valuesOverride.deep.apiKey', reason: "key 'apiKey' of a free-form map names a credential" },
      { path: '.spec.addons.certManager.valuesOverride["odd key"].password', reason: "key 'password' of a free-form map names a credential" },
      { path: '.spec.vm.cloudInit', reason: 'cloud-init that sets a password' },
      { path: '.spec.vm.cloudinit', reason: 'cloud-init that sets a password' },
      { path: '.spec.values[1].secret', reason: "key 'secret' of a free-form map names a credential" },
      { path: '.spec.extraValues.webhook', reason: "key 'webhook' of a free-form map names a credential" },
      { path: '.spec.customConfig.token', reason: "key 'token' of a free-form map names a credential" },
      { path: '.spec._a.b-c["1b"].values.token', reason: "key 'token' of a free-form map names a credential" },
    ]);
    expect(JSON.stringify(found)).not.toContain(token);
    expect(findCredentialShapes({ token: 'x', nested: { password: 7 } }, '', true)).toEqual([
      { path: '.token', reason: "key 'token' of a free-form map names a credential" },
      { path: '.nested.password', reason: "key 'password' of a free-form map names a credential" },
    ]);
    expect(findCredentialShapes({ token: 'x' })).toEqual([]);
    expect(findCredentialShapes(['-----BEGIN PRIVATE KEY-----'])).toEqual([{ path: '[0]', reason: 'looks like a private key' }]);
    expect(findCredentialShapes(null)).toEqual([]);
  });

  it('cloud-init: password, passwd, plain_text_passwd, hashed_passwd and chpasswd settings, first 64 KiB', () => {
    const ci = (text: string) => findCredentialShapes({ cloudInit: text }).map((f) => f.reason);
    for (const t of ['password: x', '  passwd: x', 'users:\n  - plain_text_passwd: x', '- hashed_passwd: $6$', 'chpasswd:\n  expire: false', 'PASSWORD : x']) expect(ci(t), t).toEqual(['cloud-init that sets a password']);
    for (const t of ['ssh_pwauth: true', 'mypassword: x', '# password is set elsewhere', 'users: []']) expect(ci(t), t).toEqual([]);
    expect(ci(`${'#'.repeat(64 * 1024)}\npassword: x`)).toEqual([]);
    expect(ci(`${'#'.repeat(64 * 1024 - 20)}\npassword: x`)).toEqual(['cloud-init that sets a password']);
  });
});

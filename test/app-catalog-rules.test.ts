// Which kinds a release serves, and what is said of one it does not serve (docs/apps.md): the
// catalogs of the pinned releases are generated from each tag's resource definitions
// (apps/catalog.ts); the kinds named here are the upstream facts of those tags: FerretDB, MySQL and
// VirtualMachine were removed after v0.41 (MySQL and VirtualMachine by the upstream migrations 28
// and 29, which name their successors), MariaDB and Harbor are new in v1.6.
import { describe, expect, it } from 'vitest';
import { APP_CATALOGS } from '../apps/catalog.js';
import { appCatalogOf, appDefinitionOf, definitionAt, kindNotInRelease, kindProblemRule } from '../lib/model/app-catalog.js';
import { APP_OPTION_KEYS, type AppDefinition } from '../lib/model/app-definition.js';
import { releaseOf, type ReleaseProfile } from '../lib/releases/profiles.js';

const at = (v: string): ReleaseProfile => releaseOf(v)!;

describe('the catalog of a release', () => {
  it('is the one generated for that release', () => {
    for (const v of ['0.41.11', '1.6.0', '1.6.2']) expect(appCatalogOf(at(v)).version).toBe(v);
    expect(appCatalogOf(at('1.6.2'))).toBe(APP_CATALOGS.find((c) => c.version === '1.6.2'));
  });
  it('a release without a generated catalog is an error that says how to make one', () => {
    expect(() => appCatalogOf({ ...at('1.6.2'), version: '9.9.9' })).toThrow('apps/catalog.ts has no catalog of Cozystack 9.9.9; run npm run gen:apps');
  });
  it('appDefinitionOf gives the release\'s own definition of a kind, or nothing', () => {
    expect(appDefinitionOf('MariaDB', at('1.6.2'))!.kind).toBe('MariaDB');
    expect(appDefinitionOf('MariaDB', at('0.41.11'))).toBeUndefined();
    expect(appDefinitionOf('MySQL', at('0.41.11'))!.chart).toBe('mysql');
  });
});

describe('why a release does not serve a kind', () => {
  it('a removed kind names its successor', () => {
    expect(kindNotInRelease('MySQL', at('1.6.2'))).toBe('MySQL is not an app of Cozystack 1.6.2: upstream removed it; use MariaDB (upstream migration 28 renames mysql- resources to mariadb-)');
  });
  it('a kind removed with no successor says so', () => {
    expect(kindNotInRelease('FerretDB', at('1.6.0'))).toBe('FerretDB is not an app of Cozystack 1.6.0: upstream removed it, with no replacement');
  });
  it('a kind of other releases lists them', () => {
    expect(kindNotInRelease('MariaDB', at('0.41.11'))).toBe('MariaDB is not an app of Cozystack 0.41.11; it is an app of 1.6.0, 1.6.2');
  });
  it('a kind no pinned release has is unknown: the message lists what the release serves, with a suggestion', () => {
    const served = appCatalogOf(at('1.6.2')).definitions.map((d) => d.kind);
    expect(kindNotInRelease('Postgress', at('1.6.2'))).toBe(`unknown kind "Postgress": Cozystack 1.6.2 serves ${served.join(', ')} (did you mean 'Postgres'?)`);
    expect(kindNotInRelease('Zzzzzzzzzz', at('1.6.2'))).toBe(`unknown kind "Zzzzzzzzzz": Cozystack 1.6.2 serves ${served.join(', ')}`);
  });
  it('the rule is kind-not-in-release for a kind of some pinned release, unknown-kind otherwise', () => {
    expect(kindProblemRule('MySQL')).toBe('kind-not-in-release');
    expect(kindProblemRule('MariaDB')).toBe('kind-not-in-release');
    expect(kindProblemRule('Postgress')).toBe('unknown-kind');
  });
});

describe('definitionAt: a definition as the release has it', () => {
  it('a catalog definition of another release is replaced by the release\'s own one', () => {
    const old = appDefinitionOf('Postgres', at('0.41.11'))!;
    const now = appDefinitionOf('Postgres', at('1.6.2'))!;
    expect(old).not.toBe(now);
    expect(definitionAt(old, at('1.6.2'))).toEqual({ definition: now });
    expect((definitionAt(old, at('1.6.2')) as { definition: AppDefinition }).definition).toBe(now);
  });
  it('a kind the release does not serve is the problem of kindNotInRelease', () => {
    const mysql = appDefinitionOf('MySQL', at('0.41.11'))!;
    expect(definitionAt(mysql, at('1.6.2'))).toEqual({ problem: kindNotInRelease('MySQL', at('1.6.2')) });
  });
  it('a definition of a kind no catalog has (the user\'s own) is taken as given, at every release', () => {
    const mine: AppDefinition = { ...appDefinitionOf('Postgres', at('1.6.2'))!, kind: 'MyDatabase', chart: 'my-database' };
    for (const v of ['0.41.11', '1.6.2']) expect((definitionAt(mine, at(v)) as { definition: AppDefinition }).definition).toBe(mine);
  });
});

describe('the options of an app, apart from its chart values', () => {
  it('are credentialsSecret and credentialsSecretKeys (AppOptions)', () => {
    expect([...APP_OPTION_KEYS]).toEqual(['credentialsSecret', 'credentialsSecretKeys']);
  });
});

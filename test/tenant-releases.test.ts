// The tenant chart of each release: the keys a Tenant takes, their inheritance and the app
// prerequisites per release. Expectations from upstream: the tenant chart's values.schema.json of
// each tag (releases/<tag>/upstream/packages/apps/tenant/), its helm renders
// (releases/<tag>/tenant-renders/, for gateway and schedulingClass inheritance) and the tenant
// services each app chart reads (releases/<tag>/app-services.json).
import { App } from 'cdk8s';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Bundle, collectObjects, CozystackValidationError, Harbor, type KubeObject, Platform, type PlatformConstructProps, type Problem } from '../lib/index.js';
import { releaseDir } from './support/reference.js';
import { tenantKeysAt } from '../lib/model/tenant-model.js';
import { releaseOf } from '../lib/releases/profiles.js';

const BASE = { bundle: Bundle.PAAS_FULL, rootHost: 'example.org', apiServerEndpoint: 'https://api.example.org:6443' } as const;
const platform = (extra: Partial<PlatformConstructProps> = {}): Platform => new Platform(new App({ outdir: '/nonexistent-never-written' }), 'platform', { ...BASE, ...extra });
const schemaKeys = (tag: string): string[] =>
  Object.keys((JSON.parse(readFileSync(join(releaseDir(tag), 'upstream/packages/apps/tenant/values.schema.json'), 'utf8')) as { properties: Record<string, unknown> }).properties);
const problemsOf = (f: () => unknown): Problem[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return [...(e as CozystackValidationError).problems];
  }
  throw new Error('expected a CozystackValidationError');
};
const hr = (objects: KubeObject[], name: string, namespace: string): KubeObject => objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name && o.metadata.namespace === namespace)!;
/** The `_namespace` helm rendered for a tenant of a recorded tree. */
const helmNamespace = (tag: string, c: string, ns: string): Record<string, string> => {
  const text = readFileSync(join(releaseDir(tag), 'tenant-renders', c, `${ns}.rendered.yaml`), 'utf8');
  const secret = text.split(/^---$/m).map((d) => parse(d) as KubeObject | null).find((o) => o?.kind === 'Secret' && o.metadata.name === 'cozystack-values')!;
  return (parse((secret.stringData as Record<string, string>)['values.yaml']!) as { _namespace: Record<string, string> })._namespace;
};

describe('the keys of a Tenant are its release\'s tenant chart\'s', () => {
  it('the schemas: gateway and schedulingClass are 1.6 keys, isolated a 0.41.11 one', () => {
    expect(schemaKeys('v0.41.11')).toContain('isolated');
    expect(schemaKeys('v0.41.11')).not.toContain('gateway');
    for (const tag of ['v1.6.0', 'v1.6.2']) {
      expect(schemaKeys(tag)).toEqual(expect.arrayContaining(['gateway', 'schedulingClass']));
      expect(schemaKeys(tag)).not.toContain('isolated');
    }
  });

  it.each([['0.41.11', 'v0.41.11'], ['1.6.0', 'v1.6.0'], ['1.6.2', 'v1.6.2']])('at %s the keys taken are exactly those of the chart\'s schema', (version, tag) => {
    expect([...tenantKeysAt(releaseOf(version)!)].sort()).toEqual(schemaKeys(tag).sort());
  });

  it.each([['1.6.0'], ['1.6.2']])('at %s gateway and schedulingClass are accepted and reach the Tenant HelmRelease; isolated is warned about', (version) => {
    const p = platform({ version });
    p.rootTenant.addTenant('foo', { gateway: true, schedulingClass: 'gold', isolated: false });
    const values = (hr(collectObjects(p.node.root as App), 'tenant-foo', 'tenant-root').spec as { values: Record<string, unknown> }).values;
    expect(values).toEqual({ gateway: true, schedulingClass: 'gold' });
    expect(p.warnings).toEqual([expect.stringMatching(/^Tenant tenant-root\/foo isolated: unknown key 'isolated'.*\[unknown-key\]$/)]);
  });

  it('at 0.41.11 gateway and schedulingClass are warned about as before, and left out of the values', () => {
    const p = platform({ version: '0.41.11' });
    p.rootTenant.addTenant('foo', { gateway: true, schedulingClass: 'gold' });
    expect(p.warnings).toEqual([
      "Tenant tenant-root/foo gateway: unknown key 'gateway': the tenant chart does not use it [unknown-key]",
      expect.stringMatching(/^Tenant tenant-root\/foo schedulingClass: unknown key 'schedulingClass'/),
    ]);
    expect(hr(collectObjects(p.node.root as App), 'tenant-foo', 'tenant-root').spec).not.toHaveProperty('values');
  });

  it('strict makes an unknown key an error at its release only', () => {
    expect(problemsOf(() => platform({ version: '0.41.11', strict: true }).rootTenant.addTenant('foo', { gateway: true }))).toEqual([expect.objectContaining({ path: 'gateway', rule: 'unknown-key' })]);
    expect(() => platform({ version: '1.6.2', strict: true }).rootTenant.addTenant('foo', { gateway: true })).not.toThrow();
    expect(problemsOf(() => platform({ version: '1.6.2', strict: true }).rootTenant.addTenant('foo', { isolated: true }))).toEqual([expect.objectContaining({ path: 'isolated', rule: 'unknown-key' })]);
  });

  it('a wrong type of a key of the release is refused with its path; of a key it does not have, only warned about', () => {
    expect(problemsOf(() => platform({ version: '1.6.2' }).rootTenant.addTenant('foo', { gateway: 'yes' as never, schedulingClass: 1 as never }))).toEqual([
      expect.objectContaining({ path: 'gateway', rule: 'invalid-type' }),
      expect.objectContaining({ path: 'schedulingClass', rule: 'invalid-type' }),
    ]);
    const old = platform({ version: '0.41.11' });
    expect(() => old.rootTenant.addTenant('foo', { gateway: 'yes' as never })).not.toThrow();
    expect(old.warnings).toEqual([expect.stringMatching(/unknown key 'gateway'/)]);
  });
});

describe('inheritance at 1.6, as helm renders the chart (releases/v1.6.2/tenant-renders)', () => {
  it('gateway: a tenant with gateway: true provides it to its descendants, gateway: false inherits too, the root has the platform\'s', () => {
    const p = platform({ version: '1.6.2', platformValues: { gateway: { enabled: true } } });
    const gw = p.rootTenant.addTenant('gw', { gateway: true, ingress: true });
    const inner = gw.addTenant('inner');
    const off = gw.addTenant('off', { gateway: false });
    const plain = p.rootTenant.addTenant('plain');
    const got = [p.rootTenant, gw, inner, off, plain].map((t) => t.gatewayNamespace);
    expect(got).toEqual([
      'tenant-root', // cozystack-basics' tenant-root/cozystack-values: gateway: tenant-root when gateway-enabled
      helmNamespace('v1.6.2', 'gateway', 'tenant-gw').gateway,
      helmNamespace('v1.6.2', 'gateway', 'tenant-gw-inner').gateway,
      helmNamespace('v1.6.2', 'gateway', 'tenant-gw-off').gateway,
      helmNamespace('v1.6.2', 'gateway', 'tenant-plain').gateway,
    ]);
    expect(platform({ version: '1.6.2' }).rootTenant.gatewayNamespace).toBeUndefined();
    expect(platform({ version: '0.41.11' }).rootTenant.addTenant('gw', { gateway: true } as never).gatewayNamespace).toBeUndefined();
  });

  it('schedulingClass: a tenant under one with a SchedulingClass takes the ancestor\'s', () => {
    const p = platform({ version: '1.6.2' });
    const gold = p.rootTenant.addTenant('gold', { schedulingClass: 'gold' });
    const silver = gold.addTenant('silver', { schedulingClass: 'silver' });
    expect([gold.schedulingClass, silver.schedulingClass]).toEqual([
      helmNamespace('v1.6.2', 'hosts-and-scheduling', 'tenant-gold').schedulingClass,
      helmNamespace('v1.6.2', 'hosts-and-scheduling', 'tenant-gold-silver').schedulingClass,
    ]);
    expect(silver.namespaceValues).toEqual(helmNamespace('v1.6.2', 'hosts-and-scheduling', 'tenant-gold-silver'));
  });
});

describe('the prerequisites of an app are those of its release', () => {
  const services = (tag: string, chart: string): Record<string, { defaulted?: boolean }> =>
    (JSON.parse(readFileSync(join(releaseDir(tag), 'app-services.json'), 'utf8')) as { services: Record<string, Record<string, { defaulted?: boolean }>> }).services[`packages/apps/${chart}`] ?? {};

  it('Harbor at 1.6.2 needs the services its chart reads without a default (ingress, seaweedfs), not its defaulted gateway', () => {
    const required = Object.entries(services('v1.6.2', 'harbor')).filter(([, v]) => !v.defaulted).map(([k]) => k).sort();
    expect(required).toEqual(['ingress', 'seaweedfs']);
    expect(services('v1.6.2', 'harbor').gateway?.defaulted).toBe(true);
    const p = platform({ version: '1.6.2', rootTenant: { seaweedfs: false } });
    expect(problemsOf(() => new Harbor(p.rootTenant.addTenant('team'), 'h'))).toEqual([expect.objectContaining({ rule: 'missing-service', message: expect.stringMatching(/'seaweedfs'/) })]);
    // With both in reach and no Gateway anywhere, Harbor is fine.
    expect(() => new Harbor(platform({ version: '1.6.2' }).rootTenant.addTenant('team'), 'h')).not.toThrow();
  });
});

// The release profiles and version helpers (lib/releases/profiles.ts, versions.ts) against the
// release data itself: releases/<tag>/SOURCE.md (tag and commit), charts.json, the platform
// chart's values.yaml at the tag (migrations.targetVersion) and the installer's values.yaml (the
// operator image and the platform artifact it pins), read here, not through the library.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RELEASE, RELEASES, releaseOf, versionsWith } from '../lib/releases/profiles.js';
import { isPlatformVersion, migrationTargetOf, VERSION_CONFIGMAP } from '../lib/releases/versions.js';
import { platformChartInputs } from '../lib/releases/v1/chart-inputs.js';
import { releaseDir, upstreamFile } from './support/reference.js';

const TAGS = ['v0.41.11', 'v1.6.0', 'v1.6.2'];
const sourceMd = (tag: string) => readFileSync(join(releaseDir(tag), 'SOURCE.md'), 'utf8');
const installer = (tag: string) => (parse(readFileSync(upstreamFile(tag, 'packages/core/installer/values.yaml'), 'utf8')) as { cozystackOperator: { image: string; platformSourceUrl: string; platformSourceRef: string } }).cozystackOperator;
const targetOf = (tag: string) => (parse(readFileSync(upstreamFile(tag, 'packages/core/platform/values.yaml'), 'utf8')) as { migrations: { targetVersion: number } }).migrations.targetVersion;

describe('release profiles', () => {
  it('one per pinned tag, oldest first, with the tag and commit of SOURCE.md; the newest is the default', () => {
    expect(RELEASES.map((r) => r.tag)).toEqual(TAGS);
    for (const r of RELEASES) {
      expect(r.version).toBe(r.tag.slice(1));
      expect(sourceMd(r.tag)).toContain(r.commit);
      expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(DEFAULT_RELEASE.tag).toBe('v1.6.2');
  });

  it('v0.41 delivers bundles, v1.x packages; only a packages release has a migration target, an operator image and a platform source', () => {
    expect(versionsWith('bundles')).toEqual(['0.41.11']);
    expect(versionsWith('packages')).toEqual(['1.6.0', '1.6.2']);
    const old = releaseOf('0.41.11')!;
    expect(old.delivery).toBe('bundles');
    expect(old).not.toHaveProperty('migrationsTargetVersion');
    expect(old).not.toHaveProperty('operatorImage');
    expect(old).not.toHaveProperty('platformSource');
    for (const tag of ['v1.6.0', 'v1.6.2']) {
      const r = releaseOf(tag.slice(1))!;
      expect(r.delivery).toBe('packages');
      expect(r.migrationsTargetVersion).toBe(targetOf(tag));
      expect(migrationTargetOf(r.version)).toBe(targetOf(tag));
      expect(r.operatorImage).toBe(installer(tag).image);
      expect(r.platformSource).toEqual({ url: installer(tag).platformSourceUrl, digest: installer(tag).platformSourceRef.replace(/^digest=/, '') });
      expect(r.platformSource!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(migrationTargetOf('0.41.11')).toBeUndefined();
    expect(migrationTargetOf('9.9.9')).toBeUndefined();
    expect(releaseOf('1.6.1')).toBeUndefined();
  });

  it('the charts of a profile are the folders of charts.json, relative to packages/', () => {
    for (const r of RELEASES) {
      const charts = (JSON.parse(readFileSync(join(releaseDir(r.tag), 'charts.json'), 'utf8')) as { charts: { path: string }[] }).charts.map((c) => c.path.replace(/^packages\//, ''));
      expect([...r.charts].sort()).toEqual([...new Set(charts)].sort());
    }
  });
});

describe('the platform chart inputs of a release', () => {
  it('a packages release has its chart\'s values.yaml and one values file per variant; a bundles release has none', () => {
    expect(platformChartInputs('v0.41.11')).toBeUndefined();
    expect(platformChartInputs('v9.9.9')).toBeUndefined();
    for (const tag of ['v1.6.0', 'v1.6.2']) {
      const inputs = platformChartInputs(tag)!;
      expect(inputs.defaults).toEqual(parse(readFileSync(upstreamFile(tag, 'packages/core/platform/values.yaml'), 'utf8')));
      expect(Object.keys(inputs.variants).sort()).toEqual(['isp-full', 'isp-full-generic', 'isp-hosted']);
      expect(inputs.variants['isp-hosted']).toEqual(parse(readFileSync(upstreamFile(tag, 'packages/core/platform/values-isp-hosted.yaml'), 'utf8')) ?? {});
    }
  });

  it('the data version is kept in the ConfigMap cozystack-version (templates/cozystack-version.yaml of the chart)', () => {
    expect(VERSION_CONFIGMAP).toBe('cozystack-version');
  });
});

describe('isPlatformVersion: X.Y.Z or X.Y.Z-<prerelease>, numbers without leading zeros, no leading v', () => {
  it.each(['1.6.2', '0.41.11', '10.0.0', '1.6.2-rc1', '1.6.2-rc.1', '1.6.2-alpha.beta.1', '0.0.0'])('accepts %s', (v) => {
    expect(isPlatformVersion(v)).toBe(true);
  });
  it.each(['v1.6.2', '1.6', '1.6.2.1', '01.6.2', '1.06.2', '1.6.02', '1.6.2-', '1.6.2-rc..1', '1.6.2-rc_1', ' 1.6.2', '1.6.2 ', '1.6.2-rc.', 'x1.6.2', '1.6.2x', ''])('refuses %j', (v) => {
    expect(isPlatformVersion(v)).toBe(false);
  });
});

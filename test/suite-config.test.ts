// The suite's own settings, which decide what a green run means: property tests run with a fixed
// seed, a missing snapshot fails, and no npm script rewrites snapshots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';
import { FC_SEED } from './support/fast-check-seed.js';

describe('the test suite', () => {
  it('runs every fast-check property with one fixed seed (FC_SEED, default 20261201)', () => {
    expect(fc.readConfigureGlobal().seed).toBe(FC_SEED);
    if (process.env.FC_SEED === undefined) expect(FC_SEED).toBe(20261201);
  });

  it('never writes a missing snapshot: snapshot update mode "none" unless -u is given', () => {
    expect((config as { test: { update?: unknown } }).test.update).toBe('none');
  });

  it('has no npm script that rewrites snapshots (vitest -u or --update)', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const rewriting = Object.entries(pkg.scripts).filter(([, cmd]) => /\bvitest\b.*(\s-u\b|--update\b)/.test(cmd));
    expect(rewriting).toEqual([]);
  });
});

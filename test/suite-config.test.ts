// The suite's own settings, which decide what a green run means: property tests run with a fixed
// seed, and a missing snapshot fails (it is never written silently outside `npm run test:update`).
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
});

import { writeSync } from 'node:fs';

/** A phase of an output write at which a test can pause the writer. @internal */
export type WritePhase = 'locked' | 'writing' | 'moved-aside' | 'swapped';

/**
 * Test hook, for test/write-faults.test.ts only (never set it otherwise): with
 * COZYSTACK_CDK8S_TEST_PAUSE_AT=<phase>, the writer prints `cozystack-cdk8s test hook: paused at
 * <phase>` on stderr when it reaches that phase and waits there (at most 60 s) to be killed.
 * Phases: `locked` (lock taken, nothing written), `writing` (the staging folder half written),
 * `moved-aside` (swap journal written, the first of the tool's entries moved aside, its new one not
 * yet in), `swapped` (the swap committed, what was moved aside not yet cleared).
 * @internal
 */
export function pauseForTest(phase: WritePhase): void {
  if (process.env.COZYSTACK_CDK8S_TEST_PAUSE_AT !== phase) return;
  writeSync(2, `cozystack-cdk8s test hook: paused at ${phase}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

// The README shows what a newcomer runs: its library program is examples/library/main.ts (the
// import aside), and its first lines are the two commands CI and a new user run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  it('its library program is examples/library/main.ts, importing the package instead of the sources', () => {
    const block = /## As a library\n\n```ts\n([\s\S]*?)```\n/.exec(README)?.[1];
    const example = readFileSync(join(REPO, 'examples', 'library', 'main.ts'), 'utf8');
    expect(block).toBe(example.replace("from '../../lib/index.js'", "from 'cozystack-cdk8s'"));
  });

  it('starts with the two commands: synthesize the example, run the tests', () => {
    const first = /^# cozystack-cdk8s\n\n```sh\n(.*)\n(.*)\n```/.exec(README);
    expect(first?.[1]).toMatch(/^npm ci && npm run synth\s+#/);
    expect(first?.[2]).toMatch(/^npm ci && npm test\s+#/);
    const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.synth).toContain('synth -f examples/platform --out dist');
    expect(scripts.test).toBe('vitest run');
  });

  it('says how to install the package before it is on the registry, as test/package.test.ts does it', () => {
    expect(README).toMatch(/npm ci && npm pack/);
    expect(README).toMatch(/npm install <path>\/cozystack-cdk8s-0\.1\.0\.tgz/);
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(version).toBe('0.1.0');
    expect(readFileSync(join(REPO, 'test', 'package.test.ts'), 'utf8')).toMatch(/npm', \['pack'/);
  });
});

// The code blocks of README.md, for the tests that run them as written (test/readme.test.ts and
// test/package.test.ts). Each block is named by the heading it sits under and its language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const README = readFileSync(join(REPO, 'README.md'), 'utf8');

export interface ReadmeBlock {
  /** The `##` heading the block is under (`''` before the first). */
  readonly section: string;
  /** The bold lead-in of the paragraph before it (`Handing the repository to Flux.`), if any. */
  readonly lead: string;
  /** `sh`, `ts`, or `''`. */
  readonly lang: string;
  /** The block's text (each line ends with a newline). */
  readonly text: string;
}

/** Every fenced block of the README, in order. */
export function readmeBlocks(): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  let section = '';
  let lead = '';
  const lines = README.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('## ')) {
      section = l.slice(3);
      lead = '';
    }
    const bold = /^\*\*([^*]+)\*\*/.exec(l);
    if (bold) lead = bold[1]!;
    const fence = /^```(\w*)$/.exec(l);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ section, lead, lang: fence[1]!, text: body.map((b) => `${b}\n`).join('') });
  }
  return blocks;
}

/** The command lines of a `sh` block (comment-only lines are not commands; a trailing comment stays, sh ignores it). */
export function commands(block: ReadmeBlock): string[] {
  return block.text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

/**
 * Which test runs each block, by its place in the README: the test files assert that they cover
 * their blocks and that no block is left out.
 */
export const BLOCK_OWNERS: Readonly<Record<string, string>> = {
  'top sh': 'test/readme.test.ts (npm ci, npm run synth, npm test)',
  'As a library ts': 'test/readme.test.ts (examples/library/main.ts, run as its comment says)',
  'As a command line sh': 'test/package.test.ts (in the installed package)',
  'Output layout ': 'test/package.test.ts (the paths exist in the outputs the README commands write)',
  'Handing the repository to Flux. sh': 'test/package.test.ts (in the installed package)',
  'Credentials in Git, encrypted with SOPS. sh': 'test/package.test.ts (in the installed package)',
};

/** The key of a block in {@link BLOCK_OWNERS}. */
export function blockKey(b: ReadmeBlock): string {
  return `${b.section === '' ? 'top' : b.lead || b.section} ${b.lang}`;
}

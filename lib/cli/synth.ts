import { createTwoFilesPatch } from 'diff';
import { parse } from 'yaml';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TreeWrite } from '../output/writer.js';
import { read, TreeCompare } from '../output/compare.js';
import { maskForDiff } from './diff-mask.js';
import { maskUrlUserinfo } from '../model/credential-mask.js';
import { checkOutputLocation, MANIFEST, readManifest } from '../output/ownership.js';
import { reencryptWarning } from '../output/sops-kept.js';
import { type Built, buildFromOptions } from './build.js';
import { type ParsedOptions, UsageError } from './options.js';

/** Output of a command: what to print and the exit code. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr?: string;
  readonly code: number;
}

function warnings(w: readonly string[]): string {
  return w.map((x) => `warning: ${maskUrlUserinfo(x)}\n`).join('');
}

function noPositionals(command: string, o: ParsedOptions): void {
  if (o.positionals.length) throw new UsageError(`${command}: unexpected argument '${o.positionals[0]}' (inputs are given with -f PATH)`);
}

/** `synth`: writes the output tree atomically and prints a one-line summary. */
export function synthCommand(o: ParsedOptions): CommandResult {
  noPositionals('synth', o);
  const started = performance.now();
  // The lock is taken first, so files can be written while the rest is made.
  const write = new TreeWrite(o.out, { adopt: o.adopt, inputs: o.files });
  let built: Built;
  let changed: number;
  let reencrypt: string | undefined;
  try {
    built = buildFromOptions(o, (path, content) => write.add(path, content));
    changed = write.commit(built.paths, built.files);
    reencrypt = reencryptWarning(write.encryptedSecrets.changed, o.out);
  } finally {
    write.close();
  }
  const perKind = Object.entries(built.kinds).map(([k, n]) => `${n} ${k}`).join(', ');
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  return {
    stdout: `synthesized ${built.objects} objects (${perKind}) into ${o.out}: ${built.paths.length} files, ${changed} changed, in ${seconds}s\n`,
    stderr: warnings(reencrypt ? [...built.warnings, reencrypt] : built.warnings),
    code: 0,
  };
}

/** `validate`: everything synth checks, nothing written. */
export function validateCommand(o: ParsedOptions): CommandResult {
  noPositionals('validate', o);
  const built = buildFromOptions(o, () => undefined); // the files' text is not needed
  return { stdout: `valid: ${built.objects} objects\n`, stderr: warnings(built.warnings), code: 0 };
}

/** `diff`: what a synth would add, remove and change in the output folder; exit 1 when anything changes. */
export function diffCommand(o: ParsedOptions): CommandResult {
  noPositionals('diff', o);
  if (o.out.trim() === '') checkOutputLocation(o.out, [], '--out'); // refused: an unset shell variable
  // Only the tool's files (its manifest) are compared: a folder it did not write shows no removals.
  const owned = readManifest(o.out);
  // Files are compared with the folder's while the rest is made; only those that differ are read.
  const compare = new TreeCompare(o.out, undefined, owned ?? null);
  let built: Built;
  let differing: Map<string, string>;
  let missing: string[];
  let reencrypt: string | undefined;
  try {
    built = buildFromOptions(o, (path, content) => compare.add(path, content));
    ({ differing, missing } = compare.finish(built.paths, built.files));
    reencrypt = reencryptWarning(compare.encryptedSecrets.changed, o.out, true);
  } finally {
    compare.close();
  }
  const before = new Map<string, string>();
  for (const p of [...differing.keys(), ...missing]) {
    const text = read(join(o.out, p));
    if (text !== undefined) before.set(p, text);
  }
  const lines: string[] = [];
  const patches: string[] = [];
  const describe = (path: string, content: string | undefined): string => {
    if (path.endsWith('kustomization.yaml') || content === undefined) return path;
    try {
      const obj = parse(content) as { kind?: string; metadata?: { name?: string; namespace?: string } };
      return `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name} (${path})`;
    } catch {
      return path;
    }
  };
  const paths = [...differing.keys(), ...missing].sort();
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const p of paths) {
    const a = before.get(p);
    const b = differing.get(p);
    if (a === b) continue;
    if (a === undefined) {
      added++;
      lines.push(`+ ${describe(p, b)}`);
    } else if (b === undefined) {
      removed++;
      lines.push(`- ${describe(p, a)}`);
    } else {
      changed++;
      lines.push(`~ ${describe(p, b)}`);
      // Secret data and values at credential keys are masked: a change shows, never the value.
      const [ma, mb] = maskForDiff(a, b);
      patches.push(createTwoFilesPatch(`a/${p}`, `b/${p}`, ma, mb, '', '', { context: 3 }).replace(/^=+\n/, ''));
    }
  }
  const summary = `${added} added, ${removed} removed, ${changed} changed\n`;
  const body = lines.length ? `${lines.join('\n')}\n\n${patches.join('')}` : '';
  const unowned = !owned && existsSync(o.out) && readdirSync(o.out).length > 0 ? `note: ${o.out} was not written by cozystack-cdk8s (no ${MANIFEST}): synth refuses it without --adopt, which keeps its other files; none is shown as removed\n` : '';
  return { stdout: `${body}${summary}`, stderr: unowned + warnings(reencrypt ? [...built.warnings, reencrypt] : built.warnings), code: added + removed + changed ? 1 : 0 };
}

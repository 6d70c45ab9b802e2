import { parseArgs } from 'node:util';
import { didYouMean, type Problem } from '../core/errors.js';

/** A mistake in the command line itself. */
export class UsageError extends Error {}

/** Options every input-reading command takes. */
export interface ParsedOptions {
  readonly files: string[];
  readonly out: string;
  readonly mode?: string;
  readonly strict: boolean;
  readonly adopt: boolean;
  readonly tenantRendering?: string;
  readonly gitUrl?: string;
  readonly gitBranch?: string;
  readonly gitPath?: string;
  readonly format?: string;
  /** `--version`: the Cozystack release a catalog command answers for. */
  readonly version?: string;
  readonly help: boolean;
  readonly positionals: string[];
  /**
   * Flags given a value outside their fixed set (`--mode helm`): reported with the problems of the
   * input, in one report, each blamed on its flag; the flag is then left at its default so that
   * the rest of the input is still checked.
   */
  readonly flagProblems: readonly Problem[];
}

/** The flags with a fixed set of values, and what a value of each is called in a message. */
export const FLAG_CHOICES = {
  mode: { choices: ['flux', 'operator'], what: 'mode' },
  'tenant-rendering': { choices: ['release', 'explicit'], what: 'tenant rendering' },
  format: { choices: ['mermaid', 'dot'], what: 'graph format' },
} as const;

/**
 * The problem of a flag given a value outside its set: the flag, the value given, the choices, a
 * did-you-mean (the first of `suggest`, by default the choices, among the closest).
 */
export function flagProblem(flag: string, value: string, choices: readonly string[], what: string, rule = 'invalid-flag', suggest: readonly string[] = choices): Problem {
  return { subject: `--${flag}`, path: '', message: `'${value}' is not a ${what} (expected one of ${choices.join(', ')})${didYouMean(value, suggest)}`, rule };
}

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  out: { type: 'string', short: 'o' },
  mode: { type: 'string' },
  strict: { type: 'boolean' },
  adopt: { type: 'boolean' },
  'tenant-rendering': { type: 'string' },
  'git-url': { type: 'string' },
  'git-branch': { type: 'string' },
  'git-path': { type: 'string' },
  format: { type: 'string' },
  version: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the arguments after the command name. Only the options in `allowed` are accepted. */
export function parseOptions(command: string, args: string[], allowed: readonly (keyof typeof OPTIONS)[]): ParsedOptions {
  const options = Object.fromEntries(Object.entries(OPTIONS).filter(([k]) => allowed.includes(k as keyof typeof OPTIONS) || k === 'help'));
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}`);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  // A value outside its flag's set is a problem of the report (with the input's), not a usage
  // error that would hide the rest: the flag is then left unset (its default).
  const flagProblems: Problem[] = [];
  for (const [flag, { choices, what }] of Object.entries(FLAG_CHOICES)) {
    const value = v[flag];
    if (typeof value !== 'string' || (choices as readonly string[]).includes(value)) continue;
    flagProblems.push(flagProblem(flag, value, choices, what));
    delete v[flag];
  }
  if (!allowed.includes('file') && parsed.positionals.length > 1) throw new UsageError(`${command}: too many arguments`);
  return {
    files: (v.file as string[] | undefined) ?? [],
    // An empty --out is refused where it is used (an unset shell variable); an empty CDK8S_OUTDIR is unset.
    out: (v.out as string | undefined) ?? (process.env.CDK8S_OUTDIR || 'dist'),
    strict: v.strict === true,
    adopt: v.adopt === true,
    help: v.help === true,
    positionals: parsed.positionals,
    flagProblems,
    ...(v.mode ? { mode: v.mode as string } : {}),
    ...(v['tenant-rendering'] ? { tenantRendering: v['tenant-rendering'] as string } : {}),
    ...(v['git-url'] ? { gitUrl: v['git-url'] as string } : {}),
    ...(v['git-branch'] ? { gitBranch: v['git-branch'] as string } : {}),
    ...(v['git-path'] ? { gitPath: v['git-path'] as string } : {}),
    ...(v.format ? { format: v.format as string } : {}),
    ...(v.version !== undefined ? { version: v.version as string } : {}),
  };
}

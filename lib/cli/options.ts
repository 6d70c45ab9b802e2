import { parseArgs } from 'node:util';

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
  const oneOf = (name: string, value: string | undefined, choices: string[]): void => {
    if (value !== undefined && !choices.includes(value)) throw new UsageError(`${command}: --${name} must be one of ${choices.join(', ')}, got '${value}'`);
  };
  oneOf('mode', v.mode as string | undefined, ['flux', 'operator']);
  oneOf('tenant-rendering', v['tenant-rendering'] as string | undefined, ['release', 'explicit']);
  oneOf('format', v.format as string | undefined, ['mermaid', 'dot']);
  if (!allowed.includes('file') && parsed.positionals.length > 1) throw new UsageError(`${command}: too many arguments`);
  return {
    files: (v.file as string[] | undefined) ?? [],
    // An empty --out is refused where it is used (an unset shell variable); an empty CDK8S_OUTDIR is unset.
    out: (v.out as string | undefined) ?? (process.env.CDK8S_OUTDIR || 'dist'),
    strict: v.strict === true,
    adopt: v.adopt === true,
    help: v.help === true,
    positionals: parsed.positionals,
    ...(v.mode ? { mode: v.mode as string } : {}),
    ...(v['tenant-rendering'] ? { tenantRendering: v['tenant-rendering'] as string } : {}),
    ...(v['git-url'] ? { gitUrl: v['git-url'] as string } : {}),
    ...(v['git-branch'] ? { gitBranch: v['git-branch'] as string } : {}),
    ...(v['git-path'] ? { gitPath: v['git-path'] as string } : {}),
    ...(v.format ? { format: v.format as string } : {}),
    ...(v.version !== undefined ? { version: v.version as string } : {}),
  };
}

// The command line as a function: what main.ts runs, and what tests call in-process.
import { CozystackValidationError, formatProblem, type Problem } from '../core/errors.js';
import { OutputWriteError } from '../output/writer.js';
import { OutputRefusedError } from '../output/ownership.js';
import { maskUrlUserinfo } from '../model/credential-mask.js';
import { appsCommand, bundlesCommand } from './catalog.js';
import { graphCommand } from './graph.js';
import { initCommand } from './init.js';
import { parseOptions, UsageError } from './options.js';
import { type CommandResult, diffCommand, synthCommand, validateCommand } from './synth.js';

const INPUT = `  -f, --file PATH          a YAML file or folder (repeatable): one Platform document,
                           and apps.cozystack.io Tenants and apps
      --mode MODE          flux (default) or operator
      --tenant-rendering R release (default) or explicit
      --strict             app values the chart does not know, and credentials found by
                           their shape in what is committed (a URL's password, a token, a
                           key named like a credential in valuesOverride), are errors, not
                           warnings`;
const GIT = `      --git-url URL        also write flux-system/: a GitRepository of URL and Kustomizations
                           of the output's platform/ and tenants/ folders
      --git-branch BRANCH  branch of that repository (default main)
      --git-path PATH      folder of the output in that repository (default .)`;

const HELP: Record<string, string> = {
  main: `cozystack-cdk8s: a Cozystack platform as code, synthesized to Flux manifests

usage: cozystack-cdk8s COMMAND [options]

commands:
  synth      synthesize the platform into a folder (atomically)
  validate   check the input as synth does, write nothing
  diff       show what synth would add, remove and change in the output folder
  graph      draw the component dependencies and the tenant tree (mermaid or dot)
  bundles    list the bundles
  apps       list the app kinds, or show one kind's props and defaults
  init       write a starter platform folder

run 'cozystack-cdk8s COMMAND --help' for a command's options
`,
  synth: `usage: cozystack-cdk8s synth -f PATH [-f PATH ...] [--out DIR] [options]

Synthesizes the platform into DIR (default dist/, or $CDK8S_OUTDIR): one object per file,
a kustomization.yaml per folder, and .cozystack-cdk8s-manifest.json listing the files synth
wrote. Only those files are ever replaced or deleted: other files in DIR (.git, a README)
are kept byte for byte. DIR must be new, empty, or written by synth before (or --adopt).
The new files replace the old ones only when synthesis succeeds; on any error the old
output stays as it was.

${INPUT}
  -o, --out DIR            output folder (default dist); not the current folder or a parent
                           of it, and apart from every -f input
      --adopt              write into a non-empty folder cozystack-cdk8s did not write (a
                           GitOps repository, an older output): .git and every file synth
                           does not write are kept, files at the paths it writes are replaced
${GIT}
`,
  validate: `usage: cozystack-cdk8s validate -f PATH [-f PATH ...] [options]

Checks everything synth checks and writes nothing. Exit 0 when valid, 1 when not.

${INPUT}
`,
  diff: `usage: cozystack-cdk8s diff -f PATH [-f PATH ...] --out DIR [options]

Shows, per object, what synth would add (+), remove (-) and change (~) in DIR, with a unified
diff of each changed file. Exit 0 when nothing would change, 1 when something would, 2 on error.

${INPUT}
  -o, --out DIR            the output folder to compare with (default dist)
${GIT}
`,
  graph: `usage: cozystack-cdk8s graph -f PATH [-f PATH ...] [--format mermaid|dot] [options]

Prints the installed components with their dependsOn edges, and the tenant tree with each
tenant's host and the tenant that provides each of its services.

${INPUT}
      --format FORMAT      mermaid (default) or dot
`,
  bundles: `usage: cozystack-cdk8s bundles

Lists the bundles with their size, requirements and optional components.
`,
  apps: `usage: cozystack-cdk8s apps [KIND] [-f PATH]... [--version VERSION]

Lists the app kinds of a release's catalog; with KIND, that kind's props and defaults at the
release. The release is --version, else the version of the Platform document in -f, else the
default release. A kind the release does not serve is an error naming what replaced it.

      -f, --file PATH      files or folders with the Platform document (its spec.version)
      --version VERSION    a pinned Cozystack release (e.g. 1.6.2, 0.41.11)
`,
  init: `usage: cozystack-cdk8s init [DIR]

Writes DIR/platform.yaml and DIR/tenants.yaml (default DIR: platform), a starter platform
that synthesizes as is. Existing files are never overwritten.
`,
};

/** Runs one command line; returns what to print and the exit code. Never exits the process. */
export function run(argv: string[]): CommandResult {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return { stdout: HELP.main!, code: command === undefined ? 2 : 0 };
      case 'synth':
      case 'validate':
      case 'diff':
      case 'graph': {
        const output = ['file', 'out', 'mode', 'strict', 'tenant-rendering', 'git-url', 'git-branch', 'git-path'] as const;
        const allowed = command === 'graph' ? (['file', 'mode', 'strict', 'tenant-rendering', 'format'] as const) : command === 'validate' ? (['file', 'mode', 'strict', 'tenant-rendering'] as const) : command === 'synth' ? ([...output, 'adopt'] as const) : output;
        const o = parseOptions(command, args, allowed);
        if (o.help) return { stdout: HELP[command]!, code: 0 };
        return command === 'synth' ? synthCommand(o) : command === 'validate' ? validateCommand(o) : command === 'diff' ? diffCommand(o) : graphCommand(o);
      }
      case 'apps': {
        const o = parseOptions(command, args, ['file', 'version']);
        if (o.help) return { stdout: HELP[command]!, code: 0 };
        if (o.positionals.length > 1) throw new UsageError('apps: too many arguments');
        return appsCommand(o.positionals[0], o);
      }
      case 'bundles':
      case 'init': {
        const o = parseOptions(command, args, []);
        if (o.help) return { stdout: HELP[command]!, code: 0 };
        if (command === 'bundles') {
          if (o.positionals.length) throw new UsageError('bundles: takes no arguments');
          return bundlesCommand();
        }
        return initCommand(o.positionals[0]);
      }
      default:
        throw new UsageError(`unknown command '${command}'; run 'cozystack-cdk8s --help'`);
    }
  } catch (e) {
    const failure = command === 'diff' ? 2 : 1;
    if (e instanceof CozystackValidationError) {
      const nl = e.message.indexOf('\n');
      const heading = nl === -1 ? e.message : e.message.slice(0, nl);
      // Warnings found before the error are shown with it (masked and clipped as problems are).
      const warned = e.warnings.map((w) => `warning: ${clipMasked(w)}\n`).join('');
      return { stdout: '', stderr: `error: ${clip(heading)}\n${e.problems.map((p) => `  ${formatProblem(clipProblem(p))}\n`).join('')}${warned}`, code: failure };
    }
    if (e instanceof UsageError || e instanceof OutputRefusedError) return { stdout: '', stderr: `error: ${e.message}\n`, code: 2 };
    if (e instanceof OutputWriteError) return { stdout: '', stderr: `error: ${e.message}\n`, code: failure };
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) return { stdout: '', stderr: `error: ${err.code} on ${err.path}: ${err.message}\n`, code: failure };
    // A system error without a path (a failed write): still no stack trace.
    if (err.code && err.syscall) return { stdout: '', stderr: `error: ${err.message}\n`, code: failure };
    return { stdout: '', stderr: `error: ${(e as Error).stack ?? String(e)}\n`, code: failure };
  }
}

/** Longest subject, path or message printed: hostile input (a 15 MB string) must not flood the terminal. */
const MAX_FIELD = 1000;

function clip(s: string): string {
  return s.length <= MAX_FIELD ? s : `${s.slice(0, MAX_FIELD)}... (${s.length - MAX_FIELD} more characters)`;
}

function clipProblem(p: Problem): Problem {
  return { subject: clip(p.subject), path: clip(p.path), message: clipMasked(p.message), rule: clip(p.rule) };
}

/**
 * A message clipped, with the password of a URL's userinfo masked (a Git or source URL): masked
 * before it is clipped, so that a URL cut at the end cannot show a part of its password, on the
 * head only (a URL's userinfo is at most 1,312 characters of the pattern), so hostile input
 * costs no more than the clip.
 */
function clipMasked(s: string): string {
  if (s.length <= MAX_FIELD) return maskUrlUserinfo(s);
  const head = maskUrlUserinfo(s.slice(0, MAX_FIELD + 1400));
  return `${head.slice(0, MAX_FIELD)}... (${s.length - MAX_FIELD} more characters)`;
}

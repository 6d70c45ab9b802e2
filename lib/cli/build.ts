import { App } from 'cdk8s';
import type { GitOpsProps } from '../renderings/gitops.js';
import type { Platform } from '../constructs/platform.js';
import type { PlatformMode, TenantRendering } from '../model/settings.js';
import { renderOutput } from '../synthesis/synthesize.js';
import { platformFromDocuments } from '../input/yaml-platform.js';
import { documentName, type InputDocument, readYamlInputs } from '../input/yaml-input.js';
import { CozystackValidationError } from '../core/errors.js';
import { UsageError, type ParsedOptions } from './options.js';

/** A platform built from the command line's input. */
export interface Built {
  readonly platform: Platform;
  /** Number of objects. */
  readonly objects: number;
  /** Objects per kind, sorted by kind. */
  readonly kinds: Readonly<Record<string, number>>;
  /** Every output file's path, sorted. */
  readonly paths: readonly string[];
  /** Path to content of the output files not given to `onFile` (all of them without `onFile`), sorted by path. */
  readonly files: Map<string, string>;
}

/**
 * Reads the -f inputs, builds the platform, synthesizes its objects and lays out the files;
 * `onFile` is given each object's file as soon as it is made (its text is then not kept).
 */
export function buildFromOptions(o: ParsedOptions, onFile?: (path: string, content: string) => void): Built {
  if (!o.files.length) throw new UsageError('no input: give one or more -f PATH (files or folders of YAML)');
  const docs = readYamlInputs(o.files);
  const app = new App({ outdir: o.out });
  const gitops: GitOpsProps | undefined = o.gitUrl
    ? { url: o.gitUrl, ...(o.gitBranch ? { branch: o.gitBranch } : {}), ...(o.gitPath ? { path: o.gitPath } : {}) }
    : undefined;
  const platform = platformFromDocuments(app, docs, {
    ...(o.mode ? { mode: o.mode as PlatformMode } : {}),
    ...(o.strict ? { strict: true } : {}),
    ...(o.tenantRendering ? { tenantRendering: o.tenantRendering as TenantRendering } : {}),
    ...(gitops ? { gitops } : {}),
  });
  let rendered;
  try {
    rendered = renderOutput(app, onFile);
  } catch (e) {
    throw blameDocuments(e, docs);
  }
  const { paths, files, objects, kinds } = rendered;
  return { platform, objects, kinds, paths, files };
}

/**
 * Problems found in the output (a name over a limit) say which tenant or app they come from
 * (`...; it comes from Tenant tenant-root/x`): each is given the file and document of that object.
 */
function blameDocuments(e: unknown, docs: readonly InputDocument[]): unknown {
  if (!(e instanceof CozystackValidationError)) return e;
  const byObject = new Map<string, string>();
  for (const d of docs) {
    const v = d.value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (v && typeof v.kind === 'string' && typeof v.metadata?.name === 'string') byObject.set(`${v.kind} ${String(v.metadata.namespace)}/${v.metadata.name}`, documentName(d));
  }
  let blamed = false;
  const problems = e.problems.map((p) => {
    const origin = /; it comes from (\S+ \S+\/\S+)$/.exec(p.message)?.[1];
    const where = origin && byObject.get(origin);
    if (!where) return p;
    blamed = true;
    return { ...p, subject: `${where} ${p.subject}` };
  });
  if (!blamed) return e;
  const nl = e.message.indexOf('\n');
  return new CozystackValidationError(problems, nl === -1 ? e.message : e.message.slice(0, nl).replace(/:$/, ''));
}

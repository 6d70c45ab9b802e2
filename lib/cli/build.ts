import { App } from 'cdk8s';
import type { GitOpsProps } from '../renderings/gitops.js';
import { Platform } from '../constructs/platform.js';
import type { PlatformMode, TenantRendering } from '../model/settings.js';
import { renderOutput } from '../synthesis/synthesize.js';
import { platformFromDocuments } from '../input/yaml-platform.js';
import { documentName, type InputDocument, readYamlInputsReport } from '../input/yaml-input.js';
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
  /** The platform's warnings, each with the file and document (or the flag) it comes from. */
  readonly warnings: readonly string[];
}

/**
 * Reads the -f inputs, builds the platform, synthesizes its objects and lays out the files;
 * `onFile` is given each object's file as soon as it is made (its text is then not kept).
 */
export function buildFromOptions(o: ParsedOptions, onFile?: (path: string, content: string) => void): Built {
  if (!o.files.length) throw new UsageError('no input: give one or more -f PATH (files or folders of YAML)');
  if (!o.flagProblems.length) return buildInput(o, onFile);
  // Flags with a value outside their set come first in the one report, with every problem of the
  // input (built with those flags at their defaults); nothing is written.
  let built: Built;
  try {
    built = buildInput(o, onFile);
  } catch (e) {
    if (!(e instanceof CozystackValidationError)) throw e;
    const out = new CozystackValidationError([...o.flagProblems, ...e.problems], 'invalid input');
    out.warnings.push(...e.warnings);
    throw out;
  }
  const out = new CozystackValidationError(o.flagProblems, 'invalid command line');
  out.warnings.push(...built.warnings);
  throw out;
}

function buildInput(o: ParsedOptions, onFile?: (path: string, content: string) => void): Built {
  // Documents that cannot be read do not hide the problems of the others: one report of all.
  const { documents: docs, problems: unread } = readYamlInputsReport(o.files);
  const app = new App({ outdir: o.out });
  const gitops: GitOpsProps | undefined = o.gitUrl
    ? { url: o.gitUrl, ...(o.gitBranch ? { branch: o.gitBranch } : {}), ...(o.gitPath ? { path: o.gitPath } : {}) }
    : undefined;
  const withWarnings = (e: unknown): unknown => {
    if (!(e instanceof CozystackValidationError)) return e;
    const made = app.node.children.find((c): c is Platform => Platform.isPlatform(c));
    const warnings = blameWarnings([...new Set([...(made?.warnings ?? []), ...e.warnings])], docs, o.gitUrl !== undefined);
    const out = new CozystackValidationError(e.problems, e.heading);
    out.warnings.push(...warnings);
    return out;
  };
  let platform: Platform;
  try {
    platform = buildPlatform();
  } catch (e) {
    if (!(e instanceof CozystackValidationError) || !unread.length) throw withWarnings(e);
    // What could follow from a document that could not be read is left out: a missing Platform
    // document, a namespace no Tenant makes (the Tenant may be in the unread document).
    const own = e.problems.filter((p) => !(p.rule === 'platform-count' && / found 0$/.test(p.message)) && p.rule !== 'not-a-tenant');
    throw withWarnings(new CozystackValidationError([...unread, ...own], own.length ? 'invalid input' : 'cannot read the input'));
  }
  if (unread.length) throw withWarnings(new CozystackValidationError(unread, 'cannot read the input'));
  let rendered;
  try {
    rendered = renderOutput(app, onFile);
  } catch (e) {
    throw withWarnings(blameDocuments(e, docs, o.gitUrl !== undefined));
  }
  const { paths, files, objects, kinds } = rendered;
  return { platform, objects, kinds, paths, files, warnings: blameWarnings(platform.warnings, docs, o.gitUrl !== undefined) };

  function buildPlatform(): Platform {
    return platformFromDocuments(app, docs, {
    ...(o.mode ? { mode: o.mode as PlatformMode } : {}),
    ...(o.strict ? { strict: true } : {}),
    ...(o.tenantRendering ? { tenantRendering: o.tenantRendering as TenantRendering } : {}),
    ...(gitops ? { gitops, gitopsFlags: { url: '--git-url', branch: '--git-branch', path: '--git-path' } } : {}),
    });
  }
}

/**
 * Warnings named as problems are: `<file>#<document> <object> <path>: ...`, the Platform's under
 * `spec.`, the Git URL's the flag's when it came from --git-url.
 */
export function blameWarnings(warnings: readonly string[], docs: readonly InputDocument[], gitFlags: boolean): string[] {
  const byObject = objectDocuments(docs);
  const platformDoc = docs.find((d) => (d.value as { kind?: unknown } | null)?.kind === 'Platform');
  const where = platformDoc ? documentName(platformDoc) : undefined;
  return warnings.map((w) => {
    if (w.startsWith('GitOps platform/gitops url: ')) return gitFlags ? `--git-url: ${w.slice('GitOps platform/gitops url: '.length)}` : where ? `${where} spec.gitops.url: ${w.slice('GitOps platform/gitops url: '.length)}` : w;
    if (where && w.startsWith('Platform platform ')) return `${where} spec.${w.slice('Platform platform '.length)}`;
    const m = /^(\S+) (\S+)\/(\S+?)(:| )/.exec(w);
    const doc = m && byObject.get(`${m[1]} ${m[2]}/${m[3]}`);
    return doc ? `${doc} ${w}` : w;
  });
}

/** The file and document of each object of the input, by `<Kind> <namespace>/<name>`. */
function objectDocuments(docs: readonly InputDocument[]): Map<string, string> {
  const byObject = new Map<string, string>();
  for (const d of docs) {
    const v = d.value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (v && typeof v.kind === 'string' && typeof v.metadata?.name === 'string') byObject.set(`${v.kind} ${String(v.metadata.namespace)}/${v.metadata.name}`, documentName(d));
  }
  return byObject;
}

/**
 * Problems found in the output (a name over a limit) say which tenant or app they come from
 * (`...; it comes from Tenant tenant-root/x`): each is given the file and document of that object.
 */
function blameDocuments(e: unknown, docs: readonly InputDocument[], gitFlags: boolean): unknown {
  if (!(e instanceof CozystackValidationError)) return e;
  const platformDoc = docs.find((d) => (d.value as { kind?: unknown } | null)?.kind === 'Platform');
  const byObject = objectDocuments(docs);
  let blamed = false;
  const problems = e.problems.map((p) => {
    // The Git URL (checked at synth, as a credential by its shape) is the flag's or the document's.
    if (p.subject === 'GitOps platform/gitops' && p.path === 'url') {
      blamed = true;
      return gitFlags ? { ...p, subject: '--git-url', path: '' } : { ...p, subject: platformDoc ? documentName(platformDoc) : p.subject, path: 'spec.gitops.url' };
    }
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

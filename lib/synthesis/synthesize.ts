import { ApiObject, type App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { CozystackValidationError, type Problem } from '../core/errors.js';
import type { KubeObject } from '../core/kube-object.js';
import { objectJson, objectView } from '../output/object-json.js';
import { toYaml, toYamlClean } from '../output/yaml-emitter.js';
import { layoutFiles, OutputLayout } from '../output/layout.js';
import { Platform } from '../constructs/platform.js';
import { SecurityInvariants, tenantFacts } from './security-invariants.js';
import { NameLimits, nameOrigins } from './name-limits.js';
import { TreeWrite } from '../output/writer.js';
import { reencryptWarning } from '../output/sops-kept.js';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Folder to write to: new, empty, or written by synthesize/synth before (it holds
   * `.cozystack-cdk8s-manifest.json`, the list of the files the tool wrote). Only those files are
   * replaced or deleted, atomically; every other file of the folder is kept. Not the current
   * folder nor one of its parents, not empty.
   * @default - `CDK8S_OUTDIR` when set and not empty, otherwise 'dist'
   */
  readonly outdir?: string;
  /**
   * Write into a non-empty folder the tool did not write (no manifest), such as a GitOps
   * repository: `.git` and every file the tool does not write are kept, files at paths it writes
   * are replaced.
   * @default false
   */
  readonly adopt?: boolean;
}

/** What {@link synthesize} wrote. */
export interface SynthesisResult {
  /** The folder written. */
  readonly outdir: string;
  /** Number of objects. */
  readonly objects: number;
  /** Number of files, kustomizations included. */
  readonly files: number;
  /** Objects per kind. */
  readonly kinds: Readonly<Record<string, number>>;
  /**
   * The warnings of the app's platforms, as the command line prints them after `warning: `
   * (unknown app values, credentials moved or recognised by their shape, credentials Secrets that
   * must be applied by other means); also in each `Platform`'s `warnings`.
   */
  readonly warnings: readonly string[];
  /**
   * The credentials Secret files (paths in `outdir`) that were SOPS-encrypted there: `kept` byte
   * for byte (their content is unchanged), `changed` written in plain text again (encrypt them
   * again before committing; a warning names them too).
   */
  readonly encryptedSecrets: { readonly kept: readonly string[]; readonly changed: readonly string[] };
}

/** Runs the constructs' validations of every construct and throws them all together. */
function validateConstructs(nodes: readonly IConstruct[]): void {
  const problems: Problem[] = [];
  for (const c of nodes) {
    for (const message of c.node.validate()) problems.push({ subject: c.node.path, path: '', message, rule: 'construct-validation' });
  }
  if (problems.length) throw new CozystackValidationError(problems, 'validation failed');
}

/** The platform trees' own problems, thrown together. */
function validatePlatforms(platforms: readonly Platform[]): void {
  const problems = platforms.flatMap((p) => p._validateTree());
  if (problems.length) throw new CozystackValidationError(problems, 'invalid platform');
}

function invariantsOf(platforms: readonly Platform[]): SecurityInvariants[] {
  return platforms.map((p) => new SecurityInvariants(tenantFacts(p.rootTenant, p.tenantRendering === 'explicit', p.rootTenantOwner === 'cozystack-basics')));
}

/** Name limits and security invariants of the output, all their problems in one report. */
function throwBroken(checkers: readonly SecurityInvariants[], names: NameLimits): void {
  const named = names.finish();
  const broken = checkers.flatMap((c) => c.finish());
  if (!named.length && !broken.length) return;
  const heading = named.length && broken.length ? 'the output has names Flux or Kubernetes refuse, and breaks a security invariant' : named.length ? 'the output has names Flux or Kubernetes refuse' : 'the output breaks a security invariant';
  throw new CozystackValidationError([...named, ...broken], heading);
}

/**
 * The one synthesis pipeline: runs the constructs' validations and the platforms' tree checks
 * (every problem thrown together), then hands each object to `visit` in construct order, as plain
 * data (`view`: the library's own objects, not copied; otherwise cdk8s' resolved JSON), and checks
 * the name limits and the security invariants on each; their problems are thrown together once
 * every object is made.
 */
function eachObject(app: App, visit: (o: KubeObject, c: ApiObject, view: Record<string, unknown> | undefined) => void): Platform[] {
  const nodes: IConstruct[] = app.node.findAll();
  validateConstructs(nodes);
  const platforms = nodes.filter((c): c is Platform => Platform.isPlatform(c));
  validatePlatforms(platforms);
  // What the complete tree needs (the Kustomization of SOPS-encrypted credentials), made once.
  for (const p of platforms) nodes.push(...p._finishOutput());
  const checkers = invariantsOf(platforms);
  const names = new NameLimits(() => nameOrigins(nodes));
  // One walk over the whole app, each object serialized once: cdk8s' Chart.toJson() re-walks
  // the whole app per chart, which makes many charts quadratic.
  for (const c of nodes) {
    if (!ApiObject.isApiObject(c)) continue;
    const view = objectView(c, app);
    const o = (view ?? objectJson(c, app)) as unknown as KubeObject;
    names.check(o);
    for (const ch of checkers) ch.check(o);
    visit(o, c, view);
  }
  throwBroken(checkers, names);
  return platforms;
}

/**
 * Every object of the app, validated: runs the constructs' validations and throws them all
 * together. Objects come in construct order.
 */
export function collectObjects(app: App): KubeObject[] {
  const objects: KubeObject[] = [];
  eachObject(app, (o, c, view) => objects.push(view ? (objectJson(c, app) as unknown as KubeObject) : o));
  return objects;
}

/** The output of an app: its files, and how many objects of each kind they hold. @internal */
export interface RenderedOutput {
  /** Every file's path, sorted. */
  readonly paths: readonly string[];
  /** Path to content, sorted by path: every file not given to `onFile` (all of them without `onFile`). */
  readonly files: Map<string, string>;
  /** Number of objects. */
  readonly objects: number;
  /** Objects per kind, sorted by kind. */
  readonly kinds: Readonly<Record<string, number>>;
}

/**
 * The files of an app, as {@link outputFiles} of {@link collectObjects} makes them, with the same
 * checks, but each object turned into its file text as soon as it is made: no object is kept, which
 * saves the memory and the garbage collector's time of large platforms. `onFile` is given each
 * object's file as soon as it is made (to write it) and its text is then not kept: the result has
 * the paths of all files and the text of the others (kustomizations, extra files).
 * @internal
 */
export function renderOutput(app: App, onFile?: (path: string, content: string) => void): RenderedOutput {
  const layout = new OutputLayout(onFile);
  const kinds: Record<string, number> = {};
  let objects = 0;
  const platforms = eachObject(app, (o, c, view) => {
    // Objects the library made are written without a sorted copy of all their data first.
    layout.add(o, view ? () => toYamlClean(view) ?? toYaml(objectJson(c, app)) : undefined);
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    objects++;
  });
  const { paths, files } = layout.finish(extraFiles(platforms));
  return { paths, files, objects, kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function extraFiles(platforms: readonly Platform[]): Map<string, string> {
  const extra = new Map<string, string>();
  for (const p of platforms) for (const [path, v] of p.extraFiles) extra.set(path, v);
  return extra;
}

/** The output files of an app: path to content, in the layout the README describes. */
export function renderFiles(app: App): Map<string, string> {
  return outputFiles(app, collectObjects(app));
}

/** Lays out already collected objects, with the extra files (.gitignore, .sops.yaml) of the app's platforms. */
export function outputFiles(app: App, objects: readonly KubeObject[]): Map<string, string> {
  return layoutFiles(objects, extraFiles(app.node.findAll().filter((c): c is Platform => Platform.isPlatform(c))));
}

/**
 * Synthesizes an app into a folder: one object per file, a kustomization.yaml per folder.
 * Nothing is written when synthesis fails; a previous output stays as it was.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesisResult {
  const outdir = options.outdir ?? (process.env.CDK8S_OUTDIR || 'dist');
  const write = new TreeWrite(outdir, { adopt: options.adopt === true, label: 'outdir' });
  try {
    const { paths, files, objects, kinds } = renderOutput(app, (path, content) => write.add(path, content));
    write.commit(paths, files);
    const warnings = app.node.findAll().filter((c): c is Platform => Platform.isPlatform(c)).flatMap((p) => p.warnings);
    const { kept, changed } = write.encryptedSecrets;
    const reencrypt = reencryptWarning(changed, outdir);
    return { outdir, objects, files: paths.length, kinds, warnings: reencrypt ? [...warnings, reencrypt] : warnings, encryptedSecrets: { kept, changed } };
  } finally {
    write.close();
  }
}

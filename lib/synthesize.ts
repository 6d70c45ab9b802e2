import { ApiObject, type App } from 'cdk8s';
import { CozystackValidationError, type Problem } from './errors.js';
import type { KubeObject } from './manifest.js';
import { layoutFiles } from './output-layout.js';
import { Platform } from './platform.js';
import { checkSecurityInvariants, tenantFacts } from './security-invariants.js';
import { writeTreeAtomically } from './output-writer.js';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Folder to write to. Replaced as a whole, atomically.
   * @default - `CDK8S_OUTDIR` when set, otherwise 'dist'
   */
  readonly outdir?: string;
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
}

/**
 * Every object of the app, validated: runs the constructs' validations and throws them all
 * together. Objects come in construct order.
 */
export function collectObjects(app: App): KubeObject[] {
  const problems: Problem[] = [];
  for (const c of app.node.findAll()) {
    for (const message of c.node.validate()) problems.push({ subject: c.node.path, path: '', message, rule: 'construct-validation' });
  }
  if (problems.length) throw new CozystackValidationError(problems, 'validation failed');
  // One walk over the whole app, each object serialized once: cdk8s' Chart.toJson() re-walks
  // the whole app per chart, which makes many charts quadratic.
  const objects: KubeObject[] = [];
  const platforms: Platform[] = [];
  for (const c of app.node.findAll()) {
    if (ApiObject.isApiObject(c)) objects.push(c.toJson() as KubeObject);
    else if (Platform.isPlatform(c)) platforms.push(c);
  }
  for (const p of platforms) problems.push(...p._validateTree());
  if (problems.length) throw new CozystackValidationError(problems, 'invalid platform');
  for (const p of platforms) problems.push(...checkSecurityInvariants(objects, tenantFacts(p.rootTenant, p.tenantRendering === 'explicit')));
  if (problems.length) throw new CozystackValidationError(problems, 'the output breaks a security invariant');
  return objects;
}

/** The output files of an app: path to content, in the layout the README describes. */
export function renderFiles(app: App): Map<string, string> {
  return outputFiles(app, collectObjects(app));
}

/** Lays out already collected objects, with the extra files (.gitignore, .sops.yaml) of the app's platforms. */
export function outputFiles(app: App, objects: readonly KubeObject[]): Map<string, string> {
  const extra = new Map<string, string>();
  for (const c of app.node.findAll()) if (Platform.isPlatform(c)) for (const [p, v] of c.extraFiles) extra.set(p, v);
  return layoutFiles(objects, extra);
}

/**
 * Synthesizes an app into a folder: one object per file, a kustomization.yaml per folder.
 * Nothing is written when synthesis fails; a previous output stays as it was.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesisResult {
  const outdir = options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist';
  const objects = collectObjects(app);
  const files = outputFiles(app, objects);
  writeTreeAtomically(outdir, files);
  const kinds: Record<string, number> = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  return { outdir, objects: objects.length, files: files.size, kinds: Object.fromEntries(Object.entries(kinds).sort()) };
}

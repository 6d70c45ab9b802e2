import type { App } from 'cdk8s';
import { CozystackValidationError, mapProblems, prefixed, type Problem } from '../core/errors.js';
import type { Values } from '../core/values.js';
import { GitOpsBootstrap, type GitOpsProps } from '../renderings/gitops.js';
import { loadManifests } from './manifest-loader.js';
import { Platform, type PlatformConstructProps } from '../constructs/platform.js';
import { PLATFORM_API_VERSION, parsePlatformDocument } from './platform-document.js';
import type { PlatformMode, TenantRendering } from '../model/settings.js';
import { APPS_API_VERSION, type AppManifest, manifestProblemsAlone } from '../constructs/tenant.js';
import { documentName, type InputDocument } from './yaml-input.js';
import { Bundle } from '../model/bundle.js';
import { PACKAGE_API_VERSION, PACKAGE_PATHS, parsePlatformPackage, type PlatformPackageSettings } from './platform-package.js';

/** Settings that override the Platform document's (command-line flags). */
export interface PlatformOverrides {
  /** Delivery mode. @default - the document's */
  readonly mode?: PlatformMode;
  /** Treat unknown app values as errors. @default - the document's */
  readonly strict?: boolean;
  /** Tenant rendering. @default - the document's */
  readonly tenantRendering?: TenantRendering;
  /** Flux bootstrap. @default - the document's `spec.gitops` */
  readonly gitops?: GitOpsProps;
  /**
   * Where `gitops` comes from, for the problems it has: the flag of each field (`url: '--git-url'`),
   * instead of the Platform document's `spec.gitops`.
   * @default - the Platform document
   */
  readonly gitopsFlags?: Readonly<Partial<Record<keyof GitOpsProps, string>>>;
}

/**
 * Builds a platform from YAML documents: exactly one `cdk8s.cozystack.io/v1alpha1` Platform and
 * any number of `apps.cozystack.io/v1alpha1` Tenants and apps. Every problem in every document
 * is reported at once, each named by file, document and path.
 */
export function platformFromDocuments(app: App, docs: readonly InputDocument[], overrides: PlatformOverrides = {}): Platform {
  const problems: Problem[] = [];
  const platformDocs: InputDocument[] = [];
  const packageDocs: InputDocument[] = [];
  const manifests: InputDocument[] = [];
  const seen = new Map<string, string>();
  for (const d of docs) {
    const v = d.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    const subject = documentName(d);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push({ subject, path: '', message: 'expected a Kubernetes-style object (apiVersion, kind, metadata, spec)', rule: 'invalid-document' });
      continue;
    }
    if (v.apiVersion === PLATFORM_API_VERSION && v.kind === 'Platform') {
      platformDocs.push(d);
      continue;
    }
    if (v.apiVersion === PACKAGE_API_VERSION && v.kind === 'Package') {
      packageDocs.push(d);
      continue;
    }
    if (v.apiVersion === PLATFORM_API_VERSION) {
      problems.push({ subject, path: 'kind', message: `unknown kind ${JSON.stringify(v.kind)} for ${PLATFORM_API_VERSION} (expected Platform)`, rule: 'unknown-kind' });
      continue;
    }
    if (v.apiVersion !== APPS_API_VERSION) {
      problems.push({ subject, path: 'apiVersion', message: `unknown apiVersion ${JSON.stringify(v.apiVersion)} (expected ${APPS_API_VERSION}, or ${PLATFORM_API_VERSION} for the Platform)`, rule: 'unknown-api-version' });
      continue;
    }
    const key = `${String(v.kind)}/${String(v.metadata?.namespace)}/${String(v.metadata?.name)}`;
    const first = seen.get(key);
    if (first) {
      problems.push({ subject, path: 'metadata.name', message: `${String(v.kind)} ${String(v.metadata?.namespace)}/${String(v.metadata?.name)} is defined twice (also in ${first})`, rule: 'duplicate-object' });
      continue;
    }
    seen.set(key, subject);
    manifests.push(d);
  }
  // A v1.x platform Package (cozystack.cozystack-platform) gives the variant and the chart's values.
  let fromPackage: PlatformPackageSettings | undefined;
  if (packageDocs.length > 1) {
    problems.push({ subject: packageDocs.map(documentName).join(', '), path: '', message: `expected at most one ${PACKAGE_API_VERSION} Package (the platform's), found ${packageDocs.length}`, rule: 'platform-count' });
  } else if (packageDocs.length === 1) {
    const parsed = parsePlatformPackage(packageDocs[0]!.value as Values, documentName(packageDocs[0]!));
    problems.push(...parsed.problems);
    fromPackage = parsed.settings;
  }
  if (platformDocs.length > 1 || (platformDocs.length === 0 && packageDocs.length === 0)) {
    problems.push({
      subject: platformDocs.length ? platformDocs.map(documentName).join(', ') : 'input',
      path: '',
      message: `expected exactly one ${PLATFORM_API_VERSION} Platform document (or a v1.x platform Package ${PACKAGE_API_VERSION} cozystack.cozystack-platform), found ${platformDocs.length}`,
      rule: 'platform-count',
    });
  }
  let props: PlatformConstructProps | undefined;
  let gitops: GitOpsProps | undefined;
  if (platformDocs.length === 1) {
    const parsed = parsePlatformDocument(platformDocs[0]!.value, documentName(platformDocs[0]!));
    problems.push(...parsed.problems);
    if (parsed.document) {
      props = parsed.document.props;
      gitops = overrides.gitops ?? parsed.document.gitops;
    }
  } else if (platformDocs.length === 0 && fromPackage) {
    // The Package alone: the bundle its variant replaces (isp-hosted is paas-hosted; isp-full and isp-full-generic are paas-full).
    props = { bundle: fromPackage.variant === 'isp-hosted' ? Bundle.PAAS_HOSTED : Bundle.PAAS_FULL };
  }
  if (props && fromPackage && packageDocs.length === 1) {
    for (const k of ['variant', 'platformValues'] as const) {
      if (props[k] !== undefined && platformDocs.length === 1) {
        problems.push({ subject: documentName(platformDocs[0]!), path: `spec.${k}`, message: `is also given by the platform Package ${documentName(packageDocs[0]!)} (${PACKAGE_PATHS[k]}); give it in one place`, rule: 'conflicting-setting' });
      }
    }
    props = { ...props, ...fromPackage };
  }
  // Every problem of every document in one report: without a platform (its document or its
  // settings are invalid) the manifests are checked by themselves; what needs the tree would only
  // follow from the platform's problem.
  const checkAlone = (): void => {
    for (const d of manifests) for (const p of manifestProblemsAlone(d.value as AppManifest)) problems.push({ ...p, subject: `${documentName(d)} ${p.subject}` });
  };
  if (!props) {
    checkAlone();
    throw new CozystackValidationError(problems, 'invalid input');
  }
  const finalProps: PlatformConstructProps = {
    ...props,
    ...(overrides.mode ? { mode: overrides.mode } : {}),
    ...(overrides.strict !== undefined ? { strict: overrides.strict } : {}),
    ...(overrides.tenantRendering ? { tenantRendering: overrides.tenantRendering } : {}),
  };
  const where = documentName(platformDocs[0] ?? packageDocs[0]!);
  const packageWhere = packageDocs.length === 1 ? documentName(packageDocs[0]!) : undefined;
  /** A problem of a setting the platform Package gave is blamed on the Package, at its own path. */
  const origin = (p: Problem, prefix: string): Problem => {
    const key = (['variant', 'platformValues'] as const).find((k) => p.path === k || p.path.startsWith(`${k}.`) || p.path.startsWith(`${k}[`));
    if (packageWhere && key && fromPackage?.[key] !== undefined && prefix === 'spec.') return { ...p, subject: `${packageWhere} ${p.subject}`, path: `${PACKAGE_PATHS[key]}${p.path.slice(key.length)}` };
    if (platformDocs.length === 0) return { ...p, subject: `${where} ${p.subject}` };
    return { ...p, subject: `${where} ${p.subject}`, path: prefixed(prefix, p.path) };
  };
  const inDocument = <T>(prefix: string, build: () => T): T => mapProblems(build, (p) => origin(p, prefix), 'invalid Platform');
  const collect = <T>(build: () => T): T | undefined => {
    try {
      return build();
    } catch (e) {
      if (!(e instanceof CozystackValidationError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const platform = collect(() => inDocument('spec.', () => new Platform(app, 'platform', finalProps)));
  if (!platform) {
    checkAlone();
    throw new CozystackValidationError(problems, 'invalid input');
  }
  const flags = overrides.gitops ? overrides.gitopsFlags : undefined;
  if (gitops && flags) {
    // A flag's mistake is the flag's, not the Platform document's.
    collect(() => mapProblems(() => new GitOpsBootstrap(platform, 'gitops', gitops), (p) => ({ ...p, subject: flags[p.path as keyof GitOpsProps] ?? `${p.subject} (from the --git-* flags)`, path: '' }), 'invalid flags'));
  } else if (gitops) collect(() => inDocument('spec.gitops.', () => new GitOpsBootstrap(platform, 'gitops', gitops)));
  collect(() => loadManifests(platform, manifests.map((d) => ({ manifest: d.value as AppManifest, source: documentName(d) }))));
  const tree = platform._validateTree();
  problems.push(...tree.map((p) => ({ ...p, subject: `${where} ${p.subject}`, path: `spec.${p.path}` })));
  if (problems.length) {
    const error = new CozystackValidationError(problems, 'invalid input');
    error.warnings.push(...platform.warnings);
    throw error;
  }
  return platform;
}

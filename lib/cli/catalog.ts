import { Bundle } from '../model/bundle.js';
import { CozystackValidationError, didYouMean, type Problem } from '../core/errors.js';
import { isPlainObject, type Values } from '../core/values.js';
import { appCatalogOf, kindNotInRelease } from '../model/app-catalog.js';
import { DEFAULT_RELEASE, releaseOf, type ReleaseProfile } from '../releases/profiles.js';
import { KNOWN_RELEASES } from '../releases/versions.js';
import { readYamlInputs } from '../input/yaml-input.js';
import { PLATFORM_API_VERSION } from '../input/platform-document.js';
import { flagProblem, type ParsedOptions, UsageError } from './options.js';
import type { CommandResult } from './synth.js';

const BUNDLE_TEXT: Record<string, string> = {
  'paas-full': 'the whole platform on bare metal: networking, storage, virtualization, managed apps',
  'paas-hosted': 'the platform on a Kubernetes someone else runs: managed apps without the node layer',
  'distro-full': 'a Kubernetes distribution on bare metal, most services optional',
  'distro-hosted': 'the smallest set on a hosted Kubernetes, almost everything optional',
};

/** `bundles`: the bundles, their sizes and optional components. */
export function bundlesCommand(): CommandResult {
  const lines = Bundle.ALL.flatMap((b) => {
    const optional = b.components.filter((c) => c.optional).map((c) => c.name);
    const needs = [b.requires.rootHost ? 'rootHost' : '', b.requires.apiServerEndpoint ? 'apiServerEndpoint' : ''].filter(Boolean);
    return [
      `${b.name}: ${BUNDLE_TEXT[b.name] ?? ''}`,
      `  ${b.components.length} components, ${optional.length} optional${needs.length ? `; requires ${needs.join(', ')}` : ''}`,
      `  optional: ${optional.join(', ') || '(none)'}`,
    ];
  });
  return { stdout: `${lines.join('\n')}\n`, code: 0 };
}

/**
 * The release a catalog command answers for: `--version`, else the `spec.version` of the Platform
 * document among the `-f` inputs, else the default release.
 */
function releaseFor(o: Pick<ParsedOptions, 'files' | 'version'>, kind?: string): ReleaseProfile {
  let version = o.version;
  let from = '--version';
  if (version === undefined && o.files.length) {
    const platforms = readYamlInputs(o.files).filter((d) => isPlainObject(d.value) && d.value.apiVersion === PLATFORM_API_VERSION && d.value.kind === 'Platform');
    if (platforms.length !== 1) throw new UsageError(`apps: expected exactly one ${PLATFORM_API_VERSION} Platform document in ${o.files.join(', ')}, found ${platforms.length}`);
    const spec = (platforms[0]!.value as { spec?: unknown }).spec;
    const v = isPlainObject(spec) ? spec.version : undefined;
    if (v !== undefined && typeof v !== 'string') throw new UsageError(`apps: ${platforms[0]!.file}#${platforms[0]!.index} spec.version: expected a string, got ${JSON.stringify(v)}`);
    version = v;
    from = `${platforms[0]!.file}#${platforms[0]!.index} spec.version`;
  }
  if (version === undefined) return DEFAULT_RELEASE;
  const r = releaseOf(version);
  if (!r) {
    // In the one report, blamed on the flag or the document, with a kind no release serves.
    const problem = from === '--version' ? flagProblem('version', version, KNOWN_RELEASES, 'release this library pins', 'unknown-release', [...KNOWN_RELEASES].reverse()) : { subject: from.replace(/ spec\.version$/, ''), path: 'spec.version', message: `'${version}' is not a release this library pins (expected one of ${KNOWN_RELEASES.join(', ')})${didYouMean(version, [...KNOWN_RELEASES].reverse())}`, rule: 'unknown-release' };
    const unknownKind: Problem[] =
      kind !== undefined && appCatalogOfAny(kind) === undefined
        ? [{ subject: 'KIND', path: '', message: `unknown kind ${JSON.stringify(kind)}: no release this library pins serves it${didYouMean(kind, allKinds())}`, rule: 'unknown-kind' }]
        : [];
    throw new CozystackValidationError([problem, ...unknownKind], 'invalid command line');
  }
  return r;
}

/** Every app kind of every release this library pins. */
function allKinds(): string[] {
  const kinds = new Set<string>();
  for (const v of KNOWN_RELEASES) {
    const p = releaseOf(v);
    if (p) for (const d of appCatalogOf(p).definitions) kinds.add(d.kind);
  }
  return [...kinds].sort();
}

/** `apps [KIND]`: the catalog of the release, or one app's props and defaults at the release. */
export function appsCommand(kind: string | undefined, o: Pick<ParsedOptions, 'files' | 'version'> = { files: [] }): CommandResult {
  const release = releaseFor(o, kind);
  const definitions = appCatalogOf(release).definitions;
  if (!kind) {
    const rows = definitions.map((d) => `${d.kind.padEnd(20)} ${d.category.padEnd(16)} ${d.module ? 'tenant module' : `release ${d.prefix}<name>`}${d.requiredServices.length ? `, needs ${d.requiredServices.join(', ')}` : ''}`);
    return { stdout: `Cozystack ${release.version}: ${definitions.length} app kinds\n${rows.join('\n')}\n\nrun 'cozystack-cdk8s apps KIND' for the props and defaults of one kind\n`, code: 0 };
  }
  const d = definitions.find((x) => x.kind.toLowerCase() === kind.toLowerCase());
  if (!d) {
    const named = appCatalogOfAny(kind) ?? kind;
    throw new UsageError(`apps: ${kindNotInRelease(named, release)}`);
  }
  const props = (d.schema.properties ?? {}) as Record<string, Values>;
  const rows = Object.keys(props).sort().map((k) => {
    const type = typeOf(props[k]!);
    const def = d.defaults[k] === undefined ? '' : ` = ${JSON.stringify(d.defaults[k])}`;
    return `  ${k}: ${type}${def}`;
  });
  const header = `${d.kind} (apps.cozystack.io/v1alpha1, Cozystack ${release.version}, chart ${d.chartPath}, HelmRelease ${d.prefix}<name>)${d.requiredServices.length ? `\nneeds tenant services: ${d.requiredServices.join(', ')}` : ''}`;
  return { stdout: `${header}\nprops (name: type = default):\n${rows.join('\n') || '  (none)'}\n`, code: 0 };
}

/** The spelling of a kind in some release's catalog (the user may write it in any case). */
function appCatalogOfAny(kind: string): string | undefined {
  for (const r of KNOWN_RELEASES) {
    const p = releaseOf(r);
    const d = p ? appCatalogOf(p).definitions.find((x) => x.kind.toLowerCase() === kind.toLowerCase()) : undefined;
    if (d) return d.kind;
  }
  return undefined;
}

function typeOf(s: Values): string {
  if (Array.isArray(s.enum)) return s.enum.map((x) => JSON.stringify(x)).join(' | ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as Values[]).map((x) => typeOf(x)).join(' | ');
  if (s.type === 'array') return `${typeOf((s.items ?? {}) as Values)}[]`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties as Values)}`;
  return typeof s.type === 'string' ? s.type : 'any';
}

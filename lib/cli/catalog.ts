import { APP_DEFINITIONS } from '../../apps/catalog.js';
import { Bundle } from '../model/bundle.js';
import { didYouMean } from '../core/errors.js';
import type { Values } from '../core/values.js';
import { UsageError } from './options.js';
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

/** `apps [KIND]`: the catalog, or one app's props and defaults. */
export function appsCommand(kind: string | undefined): CommandResult {
  if (!kind) {
    const rows = APP_DEFINITIONS.map((d) => `${d.kind.padEnd(20)} ${d.category.padEnd(16)} ${d.module ? 'tenant module' : `release ${d.prefix}<name>`}${d.requiredServices.length ? `, needs ${d.requiredServices.join(', ')}` : ''}`);
    return { stdout: `${rows.join('\n')}\n\nrun 'cozystack-cdk8s apps KIND' for the props and defaults of one kind\n`, code: 0 };
  }
  const d = APP_DEFINITIONS.find((x) => x.kind.toLowerCase() === kind.toLowerCase());
  if (!d) throw new UsageError(`apps: unknown kind '${kind}'${didYouMean(kind, APP_DEFINITIONS.map((x) => x.kind))}`);
  const props = (d.schema.properties ?? {}) as Record<string, Values>;
  const rows = Object.keys(props).sort().map((k) => {
    const type = typeOf(props[k]!);
    const def = d.defaults[k] === undefined ? '' : ` = ${JSON.stringify(d.defaults[k])}`;
    return `  ${k}: ${type}${def}`;
  });
  const header = `${d.kind} (apps.cozystack.io/v1alpha1, chart ${d.chartPath}, HelmRelease ${d.prefix}<name>)${d.requiredServices.length ? `\nneeds tenant services: ${d.requiredServices.join(', ')}` : ''}`;
  return { stdout: `${header}\nprops (name: type = default):\n${rows.join('\n') || '  (none)'}\n`, code: 0 };
}

function typeOf(s: Values): string {
  if (Array.isArray(s.enum)) return s.enum.map((x) => JSON.stringify(x)).join(' | ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as Values[]).map((x) => typeOf(x)).join(' | ');
  if (s.type === 'array') return `${typeOf((s.items ?? {}) as Values)}[]`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties as Values)}`;
  return typeof s.type === 'string' ? s.type : 'any';
}

import type { Tenant } from '../constructs/tenant.js';
import { TENANT_SERVICES } from '../model/tenant-model.js';
import { buildFromOptions } from './build.js';
import type { ParsedOptions } from './options.js';
import type { CommandResult } from './synth.js';

interface Node {
  readonly id: string;
  readonly label: string[];
}

/** `graph`: the components with their dependsOn edges, and the tenant tree with hosts and service providers. */
export function graphCommand(o: ParsedOptions): CommandResult {
  const { platform } = buildFromOptions(o);
  const components: Node[] = platform.model.components.map((c) => ({ id: `c_${c.name}`, label: [c.releaseName, c.namespace] }));
  const componentEdges = platform.model.components.flatMap((c) => c.dependsOn.map((d) => [`c_${c.name}`, `c_${d.name}`] as const));
  const tenants: Tenant[] = [];
  const walk = (t: Tenant): void => {
    tenants.push(t);
    t.children.forEach(walk);
  };
  walk(platform.rootTenant);
  const tenantNodes: Node[] = tenants.map((t) => ({
    id: `t_${t.namespace}`,
    label: [t.namespace, t.host || '(no host)', ...TENANT_SERVICES.map((s) => `${s}: ${t.services[s] ? (t.runs(s) ? 'own' : t.services[s]) : 'none'}`)],
  }));
  const tenantEdges = tenants.filter((t) => t.parent).map((t) => [`t_${t.parent!.namespace}`, `t_${t.namespace}`] as const);
  const out = o.format === 'dot' ? dot(components, componentEdges, tenantNodes, tenantEdges) : mermaid(components, componentEdges, tenantNodes, tenantEdges);
  return { stdout: out, code: 0 };
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');

function mermaid(cs: Node[], ce: readonly (readonly [string, string])[], ts: Node[], te: readonly (readonly [string, string])[]): string {
  const node = (n: Node) => `    ${safe(n.id)}["${n.label.join('<br/>')}"]`;
  return [
    'flowchart LR',
    '  subgraph components["system components (A --> B: A waits for B)"]',
    ...cs.map(node),
    ...ce.map(([a, b]) => `    ${safe(a)} --> ${safe(b)}`),
    '  end',
    '  subgraph tenants["tenants (parent --> child)"]',
    ...ts.map(node),
    ...te.map(([a, b]) => `    ${safe(a)} --> ${safe(b)}`),
    '  end',
    '',
  ].join('\n');
}

function dot(cs: Node[], ce: readonly (readonly [string, string])[], ts: Node[], te: readonly (readonly [string, string])[]): string {
  const node = (n: Node) => `    ${safe(n.id)} [label="${n.label.join('\\n')}"];`;
  return [
    'digraph cozystack {',
    '  rankdir=LR;',
    '  node [shape=box];',
    '  subgraph cluster_components {',
    '    label="system components (A -> B: A waits for B)";',
    ...cs.map(node),
    ...ce.map(([a, b]) => `    ${safe(a)} -> ${safe(b)};`),
    '  }',
    '  subgraph cluster_tenants {',
    '    label="tenants (parent -> child)";',
    ...ts.map(node),
    ...te.map(([a, b]) => `    ${safe(a)} -> ${safe(b)};`),
    '  }',
    '}',
    '',
  ].join('\n');
}

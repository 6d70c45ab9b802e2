// What helm-controller hands a chart for a HelmRelease (fluxcd/helm-controller, chartutil): each
// valuesFrom entry in order, its document parsed as YAML and merged at the root (maps merged key by
// key, anything else replaced); an entry with targetPath is set with helm's --set parser instead,
// which this helper refuses to emulate (the library writes none for its own Secrets); spec.values
// merged last. Documents are read as YAML 1.1, as go-yaml reads them.
import { parse } from 'yaml';
import type { KubeObject } from '../../lib/core/kube-object.js';

type Map = Record<string, unknown>;
const isMap = (v: unknown): v is Map => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: Map, over: Map): Map {
  const out: Map = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? merge(out[k] as Map, v) : v;
  return out;
}

export function chartValues(hr: KubeObject, objects: readonly KubeObject[]): Map {
  const spec = hr.spec as { valuesFrom?: { kind: string; name: string; valuesKey?: string; targetPath?: string }[]; values?: Map };
  let values: Map = {};
  for (const f of spec.valuesFrom ?? []) {
    const source = objects.find((o) => o.kind === f.kind && o.metadata.name === f.name && o.metadata.namespace === hr.metadata.namespace);
    // In release rendering a child tenant's cozystack-values Secret is made on the cluster by the tenant chart.
    if (!source && f.name === 'cozystack-values') continue;
    if (!source) throw new Error(`valuesFrom ${f.kind} ${f.name} is not in the output`);
    const data = (source.stringData ?? {}) as Record<string, string>;
    const text = data[f.valuesKey ?? 'values.yaml'];
    if (text === undefined) throw new Error(`${f.kind} ${f.name} has no key ${f.valuesKey ?? 'values.yaml'}`);
    if (f.targetPath !== undefined) throw new Error(`targetPath ${f.targetPath}: helm's --set parser is not emulated here`);
    const doc = parse(text, { version: '1.1' }) as unknown;
    if (!isMap(doc)) throw new Error(`${f.kind} ${f.name}: ${f.valuesKey} is not a map`);
    values = merge(values, doc);
  }
  return spec.values ? merge(values, spec.values) : values;
}

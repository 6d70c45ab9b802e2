import jsyaml from 'js-yaml';

/**
 * Plain scalars that a YAML 1.1 reader (Kubernetes' and Flux's sigs.k8s.io/yaml) would not read
 * back as the same string, and that the YAML 1.2 core schema does not already quote: numbers with
 * '_' separators, sexagesimal numbers, and `=`/`<<`.
 */
const YAML11_ONLY = new jsyaml.Type('tag:cozystack-cdk8s:yaml11', {
  kind: 'scalar',
  resolve: (s: string | null) =>
    s !== null &&
    (/^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?)$/.test(s) && s.includes('_') ||
      /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s) ||
      s === '=' ||
      s === '<<'),
  construct: (s: string) => s,
});
const SCHEMA = jsyaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_ONLY] });
const OPTIONS: jsyaml.DumpOptions = { schema: SCHEMA, noRefs: true, lineWidth: -1, quotingType: '"', noCompatMode: false };

/**
 * Serializes one object as a YAML document, keys in the order given. Strings that a YAML 1.1
 * reader would take for another type are quoted.
 */
export function toYaml(value: unknown): string {
  return jsyaml.dump(value, OPTIONS);
}

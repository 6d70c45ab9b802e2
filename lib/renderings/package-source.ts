import { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import { Problems } from '../core/errors.js';
import { artifactName } from '../model/names.js';
import { SYSTEM_NAMESPACE } from '../model/platform-model.js';
import { isDnsLabel } from '../core/predicates.js';
import { compact } from '../core/values.js';

import type { PackageSourceRef, PackageSourceVariant } from '../model/package-sources.js';

export type { PackageSourceComponent, PackageSourceInstall, PackageSourceLibrary, PackageSourceRef, PackageSourceVariant } from '../model/package-sources.js';

/** Properties of a {@link PackageSource}. */
export interface PackageSourceProps {
  /** Cluster-wide name, e.g. `cozystack.cilium`. The Package of the same name installs it. */
  readonly name: string;
  /** Where the charts come from. */
  readonly sourceRef: PackageSourceRef;
  /** Variants. */
  readonly variants: readonly PackageSourceVariant[];
  /** Annotations of the PackageSource. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Labels of the PackageSource. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Also emit the ArtifactGenerator that the upstream operator makes from the PackageSource
   * (needed when no operator runs, i.e. in flux mode).
   * @default false
   */
  readonly artifactGenerator?: boolean;
}

/**
 * A `cozystack.io/v1alpha1` PackageSource: a set of charts in a Flux source, grouped in variants,
 * and optionally the `source.extensions.fluxcd.io/v1beta1` ArtifactGenerator that turns each
 * chart into an ExternalArtifact named `<packagesource>-<variant>-<component>`.
 */
export class PackageSource extends Construct {
  /** Cluster-wide name. */
  public readonly name: string;
  private readonly props: PackageSourceProps;

  constructor(scope: Construct, id: string, props: PackageSourceProps) {
    super(scope, id);
    validate(props, this.node.path);
    this.name = props.name;
    this.props = props;
    const spec = {
      sourceRef: { ...props.sourceRef, path: props.sourceRef.path ?? '/' },
      variants: props.variants.map((v) => ({
        name: v.name,
        ...(v.dependsOn?.length ? { dependsOn: [...v.dependsOn] } : {}),
        ...(v.libraries?.length ? { libraries: v.libraries.map((l) => ({ ...l })) } : {}),
        components: v.components.map((c) => ({
          name: c.name,
          path: c.path,
          ...(c.libraries?.length ? { libraries: [...c.libraries] } : {}),
          ...(c.valuesFiles?.length ? { valuesFiles: [...c.valuesFiles] } : {}),
          ...(c.install ? { install: compact({ ...c.install, dependsOn: c.install.dependsOn?.length ? [...c.install.dependsOn] : undefined }) } : {}),
        })),
      })),
    };
    addObject(this, GVK.PackageSource, compact({ name: props.name, labels: nonEmpty(props.labels), annotations: nonEmpty(props.annotations) }), { spec });
    if (props.artifactGenerator) this.addArtifactGenerator();
  }

  /** Name of the ExternalArtifact made for a component of a variant. */
  public artifactName(variant: string, component: string): string {
    return artifactName(this.name, variant, component);
  }

  private addArtifactGenerator(): void {
    addArtifactGenerator(this, this.name, this.props.sourceRef, this.props.variants);
  }

}

/**
 * The ArtifactGenerator the upstream operator makes of a PackageSource: one artifact per component
 * of every variant, named `<packagesource>-<variant>-<component>` (dots to dashes), with the
 * component's libraries and values files copied in. @internal
 */
export function addArtifactGenerator(scope: Construct, name: string, ref: PackageSourceRef, variants: readonly PackageSourceVariant[]): void {
  const alias = ref.name;
  const base = ref.path ?? (ref.kind === 'GitRepository' ? 'packages' : '');
  const artifacts = variants.flatMap((v) =>
    v.components.filter((c) => c.path).map((c) => {
      const dir = lastSegment(c.path);
      const libs = new Map((v.libraries ?? []).map((l) => [l.name ?? lastSegment(l.path), l.path]));
      return {
        name: artifactName(name, v.name, c.name),
        copy: [
          { from: `@${alias}/${join(base, c.path)}/**`, to: `@artifact/${dir}/` },
          ...(c.libraries ?? []).filter((l) => libs.has(l)).map((l) => ({ from: `@${alias}/${join(base, libs.get(l)!)}/**`, to: `@artifact/${dir}/charts/${l}/` })),
          ...(c.valuesFiles ?? []).map((f, i) => ({
            from: `@${alias}/${join(base, c.path, f)}`,
            to: `@artifact/${dir}/values.yaml`,
            strategy: i === 0 ? 'Overwrite' : 'Merge',
          })),
        ],
      };
    }),
  );
  if (!artifacts.length) return;
  addObject(
    scope,
    GVK.ArtifactGenerator,
    { name, namespace: SYSTEM_NAMESPACE, labels: { 'cozystack.io/packagesource': name } },
    { spec: { sources: [{ alias, kind: ref.kind, name: ref.name, namespace: ref.namespace }], artifacts } },
  );
}

function validate(props: PackageSourceProps, path: string): void {
  const p = new Problems(`PackageSource ${path}`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(props.name) || props.name.length > 253) p.add('name', `'${props.name}' is not a valid object name`, 'invalid-name');
  if (!props.variants.length) p.add('variants', 'expected at least one variant', 'required');
  const variants = new Set<string>();
  props.variants.forEach((v, i) => {
    if (variants.has(v.name)) p.add(`variants[${i}].name`, `variant '${v.name}' is defined twice`, 'duplicate-variant');
    variants.add(v.name);
    const names = new Set(v.components.map((c) => c.name));
    v.components.forEach((c, j) => {
      if (!isDnsLabel(c.name)) p.add(`variants[${i}].components[${j}].name`, `'${c.name}' is not a valid component name`, 'invalid-name');
      for (const d of c.install?.dependsOn ?? []) {
        if (!names.has(d)) p.add(`variants[${i}].components[${j}].install.dependsOn`, `'${d}' is not a component of variant ${v.name}`, 'unknown-dependency');
      }
    });
  });
  p.throwIfAny();
}

function lastSegment(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

function join(...parts: string[]): string {
  return parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');
}

function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length ? o : undefined;
}

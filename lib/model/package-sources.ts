/**
 * PackageSources and Packages as data (`cozystack.io/v1alpha1`), and what the upstream operator
 * makes of them: for each Package, the HelmReleases of its variant's components, their namespaces
 * and dependencies (upstream `internal/operator/package_reconciler.go`, as described in the
 * release facts). A pure function of the data, so a platform that runs only Flux gets the
 * HelmReleases the operator would create.
 */
import { artifactName } from './names.js';

/** How the operator installs a component as a HelmRelease. */
export interface PackageSourceInstall {
  /** Namespace of the release. */
  readonly namespace: string;
  /** Helm release name. @default - the component name */
  readonly releaseName?: string;
  /** The namespace needs the privileged pod-security level. @default false */
  readonly privileged?: boolean;
  /** Names of components of the same variant installed first. @default [] */
  readonly dependsOn?: readonly string[];
  /** CRD policy on upgrade. @default - helm-controller's default */
  readonly upgradeCRDs?: 'Skip' | 'Create' | 'CreateReplace';
}

/** A chart of a PackageSource variant. */
export interface PackageSourceComponent {
  /** Component name, unique in the variant. */
  readonly name: string;
  /** Chart folder relative to the source's base path. */
  readonly path: string;
  /** Names of variant libraries copied into the chart's `charts/`. @default [] */
  readonly libraries?: readonly string[];
  /** Values files of the chart merged in order into its values.yaml. @default [] */
  readonly valuesFiles?: readonly string[];
  /** How to install it; without it the chart is only made available as an artifact. @default - not installed */
  readonly install?: PackageSourceInstall;
}

/** A library chart a variant's components may include. */
export interface PackageSourceLibrary {
  /** Library name. @default - the last segment of the path */
  readonly name?: string;
  /** Folder of the library relative to the source's base path. */
  readonly path: string;
}

/** One way to install a package. */
export interface PackageSourceVariant {
  /** Variant name; `default` is chosen when a Package names none. */
  readonly name: string;
  /** Packages that must be ready first. @default [] */
  readonly dependsOn?: readonly string[];
  /** Library charts. @default [] */
  readonly libraries?: readonly PackageSourceLibrary[];
  /** Charts of the variant. */
  readonly components: readonly PackageSourceComponent[];
}

/** The Flux source a PackageSource reads charts from. */
export interface PackageSourceRef {
  /** `OCIRepository` or `GitRepository`. */
  readonly kind: 'OCIRepository' | 'GitRepository';
  /** Name of the source. */
  readonly name: string;
  /** Namespace of the source. */
  readonly namespace: string;
  /** Base folder inside the source. @default - the root of an OCI artifact, `packages` of a Git repository */
  readonly path?: string;
}


/** A PackageSource as data. */
export interface PackageSourceSpec {
  readonly name: string;
  readonly sourceRef?: PackageSourceRef;
  readonly variants: readonly PackageSourceVariant[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Package as data: which variant of the PackageSource of the same name, and per component values. */
export interface PackageSpec {
  readonly name: string;
  /** @default 'default' */
  readonly variant?: string;
  /** Variant dependencies not waited for. @default [] */
  readonly ignoreDependencies?: readonly string[];
  /** Per component (by component name): `enabled: false` disables it; `values` become the HelmRelease's values. @default {} */
  readonly components?: Readonly<Record<string, { readonly enabled?: boolean; readonly values?: Readonly<Record<string, unknown>> }>>;
}

/** A HelmRelease the operator creates for a component of a Package. @internal */
export interface OperatorRelease {
  readonly packageName: string;
  readonly variant: string;
  readonly component: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly privileged: boolean;
  /** The ExternalArtifact of the chart. */
  readonly artifact: string;
  readonly valuesFiles: readonly string[];
  readonly values?: Readonly<Record<string, unknown>>;
  readonly upgradeCRDs?: 'Skip' | 'Create' | 'CreateReplace';
  /** `name`/`namespace` of the releases it waits for, in the operator's order. */
  readonly dependsOn: readonly { readonly name: string; readonly namespace: string }[];
  /** The PackageSource asks for no `cozystack-values` Secret. */
  readonly skipCozystackValues: boolean;
}

/** What the operator derives from a set of Packages. @internal */
export interface OperatorExpansion {
  /** HelmReleases, Package by Package in the order given, components in variant order. */
  readonly releases: readonly OperatorRelease[];
  /** Namespaces of the releases, sorted, privileged when any release there is. */
  readonly namespaces: readonly { readonly name: string; readonly privileged: boolean }[];
  /** What the operator would report as not ready (a missing PackageSource or variant, an unknown dependency); a Package that waits for a dependency has no release above. */
  readonly problems: readonly string[];
}

const SKIP_VALUES = 'operator.cozystack.io/skip-cozystack-values';

interface Active {
  readonly pkg: PackageSpec;
  readonly source: PackageSourceSpec;
  readonly variant: PackageSourceVariant;
}

/** The HelmReleases, namespaces and dependencies the operator makes of `packages`. @internal */
export function expandPackages(packages: readonly PackageSpec[], sources: ReadonlyMap<string, PackageSourceSpec>): OperatorExpansion {
  const problems: string[] = [];
  const active = new Map<string, Active>();
  for (const pkg of packages) {
    const source = sources.get(pkg.name);
    const variantName = pkg.variant || 'default';
    if (!source) {
      problems.push(`Package ${pkg.name}: no PackageSource of that name [PackageSourceNotFound]`);
      continue;
    }
    const variant = source.variants.find((v) => v.name === variantName);
    if (!variant) {
      problems.push(`Package ${pkg.name}: PackageSource has no variant '${variantName}' (it has ${source.variants.map((v) => v.name).join(', ')}) [VariantNotFound]`);
      continue;
    }
    active.set(pkg.name, { pkg, source, variant });
  }
  // The operator's dependency gate: a Package gets no HelmRelease while a dependency is not Ready,
  // which a missing Package (or one that waits itself) never becomes.
  const deps = (a: Active): string[] => (a.variant.dependsOn ?? []).filter((d) => !(a.pkg.ignoreDependencies ?? []).includes(d));
  const blocked = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const a of active.values()) {
      if (blocked.has(a.pkg.name)) continue;
      if (deps(a).some((d) => !active.has(d) || blocked.has(d))) {
        blocked.add(a.pkg.name);
        changed = true;
      }
    }
  }
  const enabled = (a: Active) => a.variant.components.filter((c) => c.install && a.pkg.components?.[c.name]?.enabled !== false);
  const releaseOf = (c: PackageSourceVariant['components'][number]) => ({ name: c.install!.releaseName ?? c.name, namespace: c.install!.namespace });
  const releases: OperatorRelease[] = [];
  const namespaces = new Map<string, boolean>();
  for (const a of active.values()) {
    const { pkg, source, variant } = a;
    if (blocked.has(pkg.name)) {
      for (const d of deps(a)) {
        if (!active.has(d)) problems.push(`Package ${pkg.name}: depends on Package ${d}, which is not installed [DependenciesNotReady]`);
        else if (blocked.has(d)) problems.push(`Package ${pkg.name}: depends on Package ${d}, which waits for a dependency itself [DependenciesNotReady]`);
      }
      continue;
    }
    // b. every enabled, installed component of each variant dependency, added to every release.
    const packageDeps = deps(a).flatMap((d) => enabled(active.get(d)!).map(releaseOf));
    for (const c of enabled(a)) {
      const install = c.install!;
      // a. components of the same variant named by install.dependsOn (disabled ones too).
      const own = (install.dependsOn ?? []).flatMap((n) => {
        const target = variant.components.find((x) => x.name === n && x.install);
        if (!target) {
          problems.push(`Package ${pkg.name}: component ${c.name} depends on '${n}', which is no installed component of variant ${variant.name} [DependsOnFailed]`);
          return [];
        }
        return [releaseOf(target)];
      });
      const values = pkg.components?.[c.name]?.values;
      releases.push({
        packageName: pkg.name,
        variant: variant.name,
        component: c.name,
        releaseName: install.releaseName ?? c.name,
        namespace: install.namespace,
        privileged: install.privileged === true,
        artifact: artifactName(source.name, variant.name, c.name),
        valuesFiles: c.valuesFiles ?? [],
        ...(values !== undefined ? { values } : {}),
        ...(install.upgradeCRDs !== undefined ? { upgradeCRDs: install.upgradeCRDs } : {}),
        dependsOn: [...own, ...packageDeps],
        skipCozystackValues: source.annotations?.[SKIP_VALUES] === 'true',
      });
      namespaces.set(install.namespace, (namespaces.get(install.namespace) ?? false) || install.privileged === true);
    }
  }
  return {
    releases,
    namespaces: [...namespaces.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([name, privileged]) => ({ name, privileged })),
    problems,
  };
}

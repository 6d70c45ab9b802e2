/** Name of the PackageSource (and Package) of a system component. @internal */
export function componentPackageName(component: string): string {
  return `cozystack.${component}`;
}

/** Name of the PackageSource of an application chart, e.g. `cozystack.postgres-application`. @internal */
export function applicationPackageName(chart: string): string {
  return `cozystack.${chart}-application`;
}

/** The variant every PackageSource of the library has. @internal */
export const DEFAULT_VARIANT = 'default';

/**
 * Name of the ExternalArtifact the ArtifactGenerator of a PackageSource makes for one component:
 * `<packagesource>-<variant>-<component>` with every `.` replaced by `-`.
 */
export function artifactName(packageSource: string, variant: string, component: string): string {
  return `${packageSource}-${variant}-${component}`.replace(/\./g, '-');
}

import type { Construct } from 'constructs';
import { COZYSTACK_CRDS } from '../../imports/cozystack-crds.js';
import { stringify } from 'yaml';
import type { AppDefinition } from '../model/app-definition.js';
import { addObject, GVK } from './objects.js';
import type { Values } from '../core/values.js';
import { NO_DELETE_LABEL, PRUNE_DISABLED, renderDeletionGuardrail } from './deletion-guardrail.js';
import { applicationPackageName, artifactName, componentPackageName, DEFAULT_VARIANT } from '../model/names.js';
import { compact } from '../core/values.js';
import { PackageSource, type PackageSourceRef } from './package-source.js';
import {
  type InstalledComponent,
  PACKAGES_SOURCE,
  PLATFORM_SOURCE,
  type PlatformModel,
  SYSTEM_NAMESPACE,
  VALUES_SECRET,
} from '../model/platform-model.js';
import { renderOperatorBootstrap } from './operator-bootstrap.js';
import { addNamespace, addValuesSecret } from './platform-common.js';
import { renderBundlesPlatform } from './platform-bundles.js';
import { VERSION_CONFIGMAP } from '../releases/versions.js';

export { NO_DELETE_LABEL } from './deletion-guardrail.js';
/** The library chart every application chart includes. */
const COZY_LIB = { name: 'cozy-lib', path: 'library/cozy-lib' };

/** The source reference every PackageSource of the platform uses. @internal */
export function packagesSourceRef(model: PlatformModel): PackageSourceRef {
  return {
    kind: model.source.kind,
    name: PACKAGES_SOURCE,
    namespace: SYSTEM_NAMESPACE,
    path: model.source.kind === 'GitRepository' ? model.source.basePath : '/',
  };
}

/**
 * Emits the platform's own objects: sources, the version ConfigMap, the deletion guardrail,
 * PackageSources, and either the HelmReleases (flux mode) or the operator and the Packages
 * (operator mode), with the namespaces and values Secrets.
 * @internal
 */
export function renderPlatform(scope: Construct, model: PlatformModel, applications: readonly AppDefinition[]): void {
  if (model.release.delivery === 'bundles') {
    renderBundlesPlatform(scope, model);
    return;
  }
  renderCrds(scope);
  renderSources(scope, model);
  if (model.migrationsTargetVersion !== undefined) renderVersionConfigMap(scope, model.migrationsTargetVersion);
  if (model.deletionGuardrail) renderDeletionGuardrail(scope);
  const ref = packagesSourceRef(model);
  const flux = model.mode === 'flux';
  if (flux) {
    for (const ns of model.namespaces) {
      addNamespace(scope, ns.name, ns.privileged);
      addValuesSecret(scope, ns.name, { _cluster: model.clusterValues });
    }
  } else {
    // The operator creates the namespaces of the Packages; cozy-system is the installer's.
    addNamespace(scope, SYSTEM_NAMESPACE, true);
    addValuesSecret(scope, SYSTEM_NAMESPACE, { _cluster: model.clusterValues });
    renderOperatorBootstrap(scope, model);
  }
  for (const c of model.components) {
    const ps = new PackageSource(scope, `PackageSource:${c.name}`, {
      name: componentPackageName(c.name),
      sourceRef: ref,
      artifactGenerator: flux,
      variants: [
        {
          name: DEFAULT_VARIANT,
          ...(c.dependsOn.length ? { dependsOn: c.dependsOn.map((d) => componentPackageName(d.name)) } : {}),
          components: [
            {
              name: c.name,
              path: c.chartPath,
              ...(c.valuesFiles.length ? { valuesFiles: c.valuesFiles } : {}),
              install: compact({
                namespace: c.namespace,
                releaseName: c.releaseName === c.name ? undefined : c.releaseName,
                privileged: c.privileged ? true : undefined,
                upgradeCRDs: 'CreateReplace' as const,
              }),
            },
          ],
        },
      ],
    });
    if (flux) renderSystemRelease(scope, model, c, ps.artifactName(DEFAULT_VARIANT, c.name));
    else addPackage(scope, ps.name, Object.keys(c.values).length ? { [c.name]: { values: c.values } } : undefined);
  }
  for (const app of applications) {
    new PackageSource(scope, `PackageSource:app:${app.chart}`, {
      name: applicationPackageName(app.chart),
      sourceRef: ref,
      artifactGenerator: flux,
      variants: [{ name: DEFAULT_VARIANT, libraries: [COZY_LIB], components: [{ name: app.chart, path: app.chartPath, libraries: [COZY_LIB.name] }] }],
    });
  }
}

/** Name of the ExternalArtifact that carries an application chart. @internal */
export function applicationArtifact(chart: string): string {
  return artifactName(applicationPackageName(chart), DEFAULT_VARIANT, chart);
}


/**
 * The cozystack.io CRDs (PackageSource, Package), so a cluster with only Flux accepts the
 * PackageSources and Packages of the output on the first apply (Flux applies CRDs first). In
 * operator mode the operator installs the same CRDs at start-up.
 */
function renderCrds(scope: Construct): void {
  for (const crd of COZYSTACK_CRDS) {
    const { metadata, ...rest } = crd as { metadata: { name: string; annotations?: Record<string, string> } };
    addObject(scope, GVK.CustomResourceDefinition, { name: metadata.name, annotations: { ...metadata.annotations, ...PRUNE_DISABLED } }, rest);
  }
}

/**
 * The Flux sources of the platform, protected from deletion and never pruned. Flux mode writes
 * both; in operator mode the operator creates `cozystack-platform` itself from its arguments,
 * and only `cozystack-packages` (which the platform chart would copy from it) is written.
 */
function renderSources(scope: Construct, model: PlatformModel): void {
  const s = model.source;
  const spec = compact({
    url: s.url,
    interval: s.interval,
    ref: s.ref ? { ...s.ref } : undefined,
    secretRef: s.secretName ? { name: s.secretName } : undefined,
  });
  const gvk = s.kind === 'OCIRepository' ? GVK.OCIRepository : GVK.GitRepository;
  const names = model.mode === 'flux' ? [PLATFORM_SOURCE, PACKAGES_SOURCE] : [PACKAGES_SOURCE];
  for (const name of names) {
    addObject(scope, gvk, { name, namespace: SYSTEM_NAMESPACE, labels: { [NO_DELETE_LABEL]: 'true' }, annotations: { ...PRUNE_DISABLED } }, { spec: { ...spec } });
  }
}

/**
 * The `cozystack-version` ConfigMap the upstream platform chart creates on first install, with
 * the data version (migration number) of the release. Flux creates it only when it is absent
 * (`ssa: IfNotPresent`, upstream's `lookup`), so the number a migration stamps later is never
 * overwritten, and never prunes it.
 */
function renderVersionConfigMap(scope: Construct, migrationsTargetVersion: number): void {
  addObject(
    scope,
    GVK.ConfigMap,
    {
      name: VERSION_CONFIGMAP,
      namespace: SYSTEM_NAMESPACE,
      labels: { [NO_DELETE_LABEL]: 'true' },
      annotations: { 'helm.sh/resource-policy': 'keep', 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent', ...PRUNE_DISABLED },
    },
    { data: { version: String(migrationsTargetVersion) } },
  );
}



function addPackage(scope: Construct, name: string, components: Values | undefined): void {
  addObject(scope, GVK.Package, { name, annotations: { 'helm.sh/resource-policy': 'keep' } }, {
    spec: compact({ variant: DEFAULT_VARIANT, components }),
  });
}

function renderSystemRelease(scope: Construct, model: PlatformModel, c: InstalledComponent, artifact: string): void {
  const t = model.helmRelease;
  const strategy = { name: 'RetryOnFailure', retryInterval: t.retryInterval };
  addObject(
    scope,
    GVK.HelmRelease,
    {
      name: c.releaseName,
      namespace: c.namespace,
      labels: {
        'cozystack.io/package': componentPackageName(c.name),
        'cozystack.io/system-app': 'true',
        ...(c.privileged ? { 'cozystack.io/privileged': 'true' } : {}),
      },
      ...(c.valuesFiles.length ? { annotations: { 'cozyhr.cozystack.io/values-files': c.valuesFiles.join(',') } } : {}),
    },
    {
      spec: compact({
        interval: t.interval,
        maxHistory: t.maxHistory,
        releaseName: c.releaseName,
        chartRef: { kind: 'ExternalArtifact', name: artifact, namespace: SYSTEM_NAMESPACE },
        install: { timeout: t.installTimeout, strategy },
        upgrade: { timeout: t.upgradeTimeout, strategy, crds: 'CreateReplace' },
        valuesFrom: [{ kind: 'Secret', name: VALUES_SECRET }],
        values: Object.keys(c.values).length ? c.values : undefined,
        dependsOn: c.dependsOn.length ? c.dependsOn.map((d) => ({ name: d.releaseName, namespace: d.namespace })) : undefined,
      }),
    },
  );
}

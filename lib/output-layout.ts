import type { KubeObject } from './manifest.js';
import { isClusterScoped, objectKey } from './manifest.js';
import { CozystackValidationError, type Problem } from './errors.js';
import { toYaml } from './yaml-emitter.js';

/** Folder of the platform's objects in the output. */
export const PLATFORM_DIR = 'platform';
/** Folder of the tenants' objects in the output. */
export const TENANTS_DIR = 'tenants';
/** Folder of the credentials Secrets: not in the root kustomization, excluded from Git. */
export const SECRETS_DIR = 'secrets';
/** Folder of the Flux bootstrap objects (namespace flux-system). */
export const FLUX_DIR = 'flux-system';
/** Folder of cluster-scoped platform objects (PackageSources, Packages, ...). */
export const CLUSTER_DIR = '_cluster';

/**
 * Where an object goes in the output tree:
 * - tenant namespaces (`tenant-*`): `tenants/<namespace>/`, the Namespace object included;
 * - other namespaces: `platform/<namespace>/`, the Namespace object included;
 * - other cluster-scoped objects: `platform/_cluster/`;
 * - the Flux bootstrap objects (namespace flux-system): `flux-system/`;
 * - Secrets of app credentials: `secrets/<namespace>/`, a tree of its own (not listed by the root
 *   kustomization.yaml, excluded from Git by the generated `.gitignore`).
 * The file is `<kind>-<name>.yaml`, kind in lowercase.
 */
export function objectPath(o: KubeObject): string {
  const kind = o.kind.toLowerCase();
  const ns = o.kind === 'Namespace' ? o.metadata.name : isClusterScoped(o.kind) ? undefined : o.metadata.namespace ?? 'default';
  const labels = o.metadata.labels as Record<string, string> | undefined;
  if (o.kind === 'Secret' && labels?.['cdk8s.cozystack.io/credentials'] === 'true') return `${SECRETS_DIR}/${ns}/${kind}-${o.metadata.name}.yaml`;
  const dir =
    ns === undefined ? `${PLATFORM_DIR}/${CLUSTER_DIR}` : ns === FLUX_DIR ? FLUX_DIR : ns.startsWith('tenant-') ? `${TENANTS_DIR}/${ns}` : `${PLATFORM_DIR}/${ns}`;
  return `${dir}/${kind}-${o.metadata.name}.yaml`;
}

const KUSTOMIZATION_HEADER = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';

/**
 * Lays the objects out as files: one object per file, and a `kustomization.yaml` in every
 * folder listing its files and subfolders, so `kustomize build` of the root yields every object
 * once. Returns path to content, paths sorted. Throws when two objects share an identity.
 */
export function layoutFiles(objects: readonly KubeObject[], extra: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const files = new Map<string, string>();
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const o of objects) {
    const key = objectKey(o);
    const path = objectPath(o);
    if (seen.has(key) || files.has(path)) {
      problems.push({ subject: `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`, path: '', message: 'the same object is defined twice', rule: 'duplicate-object' });
      continue;
    }
    seen.set(key, path);
    files.set(path, toYaml(o));
  }
  if (problems.length) throw new CozystackValidationError(problems, 'duplicate objects');
  // kustomization.yaml per folder, listing its manifests and subfolders.
  const children = new Map<string, Set<string>>();
  const addChild = (dir: string, entry: string): void => {
    let s = children.get(dir);
    if (!s) children.set(dir, (s = new Set()));
    s.add(entry);
  };
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) addChild(parts.slice(0, i).join('/'), i === parts.length - 1 ? parts[i]! : `${parts[i]!}/`);
  }
  for (const [dir, entries] of children) {
    const resources = [...entries]
      .filter((e) => !(dir === '' && e === `${SECRETS_DIR}/`))
      .map((e) => e.replace(/\/$/, ''))
      .sort();
    files.set(dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml', `${KUSTOMIZATION_HEADER}${toYaml({ resources })}`);
  }
  for (const [p, c] of extra) files.set(p, c);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

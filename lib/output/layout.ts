import type { KubeObject } from '../core/kube-object.js';
import { isClusterScoped, objectKey } from '../core/kube-object.js';
import { CozystackValidationError, type Problem } from '../core/errors.js';
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

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const KUSTOMIZATION_HEADER = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';

/**
 * Lays the objects out as files: one object per file, and a `kustomization.yaml` in every
 * folder listing its files and subfolders, so `kustomize build` of the root yields every object
 * once. Returns path to content, paths sorted. Throws when two objects share an identity.
 */
export function layoutFiles(objects: readonly KubeObject[], extra: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const layout = new OutputLayout();
  for (const o of objects) layout.add(o);
  return layout.finish(extra).files;
}

/** The files {@link OutputLayout.finish} lays out. @internal */
export interface LaidOutFiles {
  /** Every file's path, sorted. */
  readonly paths: readonly string[];
  /** Path to content, sorted by path: every file not given to `onFile` (all of them without `onFile`). */
  readonly files: Map<string, string>;
}

/**
 * {@link layoutFiles} one object at a time: each object is turned into its file text as it comes,
 * so it need not be kept, and with `onFile` the text is not kept either (whoever receives it
 * writes it). `finish` adds the kustomizations and throws the duplicates.
 * @internal
 */
export class OutputLayout {
  /** Path to content; null for a file given to `onFile`. */
  private readonly files = new Map<string, string | null>();
  private readonly seen = new Set<string>();
  private readonly problems: Problem[] = [];

  /** `onFile` is told each object's file as soon as it is made (kustomizations come with `finish`). */
  constructor(private readonly onFile?: (path: string, content: string) => void) {}

  /** Places one object; `text` makes its file text when given (else `toYaml(o)`). */
  add(o: KubeObject, text?: () => string): void {
    const key = objectKey(o);
    const path = objectPath(o);
    if (this.seen.has(key) || this.files.has(path)) {
      this.problems.push({ subject: `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`, path: '', message: 'the same object is defined twice', rule: 'duplicate-object' });
      return;
    }
    this.seen.add(key);
    const yaml = text ? text() : toYaml(o);
    if (this.onFile) {
      this.files.set(path, null);
      this.onFile(path, yaml);
    } else this.files.set(path, yaml);
  }

  /** Every file, sorted by path, with a kustomization.yaml per folder and the extra files. */
  finish(extra: ReadonlyMap<string, string> = new Map()): LaidOutFiles {
    if (this.problems.length) throw new CozystackValidationError(this.problems, 'duplicate objects');
    const files = this.files;
    // kustomization.yaml per folder, listing its manifests and subfolders.
    const children = new Map<string, Set<string>>();
    for (const path of files.keys()) {
      let slash = path.lastIndexOf('/');
      let dir = slash < 0 ? '' : path.slice(0, slash);
      let entry = slash < 0 ? path : path.slice(slash + 1);
      for (;;) {
        const known = children.get(dir);
        if (known) {
          known.add(entry);
          break; // its ancestors are registered already
        }
        children.set(dir, new Set([entry]));
        if (dir === '') break;
        slash = dir.lastIndexOf('/');
        entry = `${slash < 0 ? dir : dir.slice(slash + 1)}/`;
        dir = slash < 0 ? '' : dir.slice(0, slash);
      }
    }
    for (const [dir, entries] of children) {
      const resources = [...entries]
        .filter((e) => !(dir === '' && e === `${SECRETS_DIR}/`))
        .map((e) => (e.endsWith('/') ? e.slice(0, -1) : e))
        .sort();
      files.set(dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml', `${KUSTOMIZATION_HEADER}${toYaml({ resources })}`);
    }
    for (const [p, c] of extra) files.set(p, c);
    const paths = [...files.keys()].sort(byPath);
    const contents = new Map<string, string>();
    for (const p of paths) {
      const c = files.get(p);
      if (c !== null && c !== undefined) contents.set(p, c);
    }
    return { paths, files: contents };
  }
}

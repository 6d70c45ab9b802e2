import { DISTRO_FULL, DISTRO_HOSTED, PAAS_FULL, PAAS_HOSTED } from '../../bundles/index.js';
import type { BundleDefinition } from './bundle-definition.js';
import type { ComponentDefinition } from './component.js';
import { didYouMean, Problems } from '../core/errors.js';
import { isDnsLabel } from '../core/predicates.js';

/**
 * Changes that derive a bundle from another one.
 */
export interface BundleChanges {
  /**
   * Name of the derived bundle.
   * @default - the original name
   */
  readonly name?: string;
  /**
   * Components added at the end, in order.
   * @default []
   */
  readonly add?: readonly ComponentDefinition[];
  /**
   * Names of components removed. Edges of other components that point at them are dropped.
   * @default []
   */
  readonly remove?: readonly string[];
  /**
   * Components that replace the component of the same name, in place.
   * @default []
   */
  readonly replace?: readonly ComponentDefinition[];
  /**
   * Settings the derived bundle requires.
   * @default - those of the original bundle
   */
  readonly requires?: Partial<BundleDefinition['requires']>;
}

const BUNDLE_BRAND = Symbol.for('cozystack-cdk8s.Bundle');

/**
 * A set of system components installed together: one of the four upstream bundles, or one
 * derived from them with {@link Bundle.with}. Immutable; validated when created.
 */
export class Bundle {
  /** `paas-full`: the full platform on bare metal (87 components). */
  public static readonly PAAS_FULL = new Bundle(PAAS_FULL);
  /** `paas-hosted`: the platform on a hosted Kubernetes (59 components). */
  public static readonly PAAS_HOSTED = new Bundle(PAAS_HOSTED);
  /** `distro-full`: the Kubernetes distribution on bare metal (63 components). */
  public static readonly DISTRO_FULL = new Bundle(DISTRO_FULL);
  /** `distro-hosted`: the distribution on a hosted Kubernetes (25 components). */
  public static readonly DISTRO_HOSTED = new Bundle(DISTRO_HOSTED);
  /** The four upstream bundles. */
  public static readonly ALL: readonly Bundle[] = [Bundle.PAAS_FULL, Bundle.PAAS_HOSTED, Bundle.DISTRO_FULL, Bundle.DISTRO_HOSTED];

  /** One of the four upstream bundles by name. Throws for any other name. */
  public static fromName(name: string): Bundle {
    const b = Bundle.ALL.find((x) => x.name === name);
    if (!b) {
      const names = Bundle.ALL.map((x) => x.name);
      const p = new Problems('bundle');
      p.add('', `unknown bundle '${name}'; expected one of ${names.join(', ')}${didYouMean(name, names)}`, 'unknown-bundle');
      p.throwIfAny();
    }
    return b!;
  }

  /** A bundle of your own from a definition. Throws when the definition breaks a rule. */
  public static fromDefinition(definition: BundleDefinition): Bundle {
    return new Bundle(definition);
  }

  /** True when `x` is a Bundle, also across copies of this package. */
  public static isBundle(x: unknown): x is Bundle {
    return typeof x === 'object' && x !== null && BUNDLE_BRAND in x;
  }

  /** Bundle name. */
  public readonly name: string;
  /** Settings the bundle requires. */
  public readonly requires: BundleDefinition['requires'];
  /** Components in bundle order. */
  public readonly components: readonly ComponentDefinition[];
  private readonly byName: ReadonlyMap<string, ComponentDefinition>;

  private constructor(def: BundleDefinition) {
    Object.defineProperty(this, BUNDLE_BRAND, { value: true });
    this.name = def.name;
    this.requires = { ...def.requires };
    this.components = def.components;
    this.byName = new Map(def.components.map((c) => [c.name, c]));
    validateDefinition(def);
  }

  /** The component of that name, or undefined. */
  public component(name: string): ComponentDefinition | undefined {
    return this.byName.get(name);
  }

  /** Names of all components, in bundle order. */
  public get componentNames(): string[] {
    return this.components.map((c) => c.name);
  }

  /** A new bundle with components added, removed or replaced. */
  public with(changes: BundleChanges): Bundle {
    const p = new Problems(`bundle ${changes.name ?? this.name}`);
    const remove = new Set(changes.remove ?? []);
    for (const [i, n] of (changes.remove ?? []).entries()) {
      if (!this.byName.has(n)) p.add(`remove[${i}]`, `no component '${n}' in bundle ${this.name}${didYouMean(n, this.byName.keys())}`, 'unknown-component');
    }
    const replace = new Map<string, ComponentDefinition>();
    for (const [i, c] of (changes.replace ?? []).entries()) {
      if (!this.byName.has(c.name)) p.add(`replace[${i}].name`, `no component '${c.name}' in bundle ${this.name} to replace${didYouMean(c.name, this.byName.keys())}`, 'unknown-component');
      if (remove.has(c.name)) p.add(`replace[${i}].name`, `component '${c.name}' is both removed and replaced`, 'conflicting-change');
      replace.set(c.name, c);
    }
    p.throwIfAny(`cannot derive a bundle from ${this.name}`);
    const dropRemoved = (c: ComponentDefinition): ComponentDefinition => {
      if (!c.dependsOn?.some((d) => remove.has(d)) && !c.conditionalDependsOn?.some((x) => x.add.some((d) => remove.has(d)))) return c;
      return {
        ...c,
        dependsOn: (c.dependsOn ?? []).filter((d) => !remove.has(d)),
        conditionalDependsOn: (c.conditionalDependsOn ?? []).map((x) => ({ ...x, add: x.add.filter((d) => !remove.has(d)) })),
      };
    };
    const components = [
      ...this.components.filter((c) => !remove.has(c.name)).map((c) => replace.get(c.name) ?? c),
      ...(changes.add ?? []),
    ].map(dropRemoved);
    return new Bundle({ name: changes.name ?? this.name, requires: { ...this.requires, ...changes.requires }, components });
  }
}

function validateDefinition(def: BundleDefinition): void {
  const p = new Problems(`bundle ${def.name}`);
  if (!isDnsLabel(def.name)) p.add('name', `'${def.name}' is not a valid bundle name (lowercase letters, digits and '-')`, 'invalid-name');
  const index = new Map<string, number>();
  def.components.forEach((c, i) => {
    const at = `components[${i}]`;
    if (typeof c.name !== 'string' || !isDnsLabel(c.name)) p.add(`${at}.name`, `'${String(c.name)}' is not a valid component name (lowercase DNS label)`, 'invalid-name');
    if (index.has(c.name)) p.add(`${at}.name`, `component '${c.name}' is defined twice (also at components[${index.get(c.name)}])`, 'duplicate-component');
    index.set(c.name, i);
    if (typeof c.namespace !== 'string' || !isDnsLabel(c.namespace)) p.add(`${at}.namespace`, `'${String(c.namespace)}' is not a valid namespace (lowercase DNS label)`, 'invalid-name');
    if (c.releaseName !== undefined && (!isDnsLabel(c.releaseName) || c.releaseName.length > 53)) {
      p.add(`${at}.releaseName`, `'${c.releaseName}' is not a valid Helm release name (lowercase DNS label, at most 53 characters)`, 'invalid-name');
    }
    if (typeof c.chartPath !== 'string' || !/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/.test(c.chartPath)) {
      p.add(`${at}.chartPath`, `'${String(c.chartPath)}' is not a relative chart folder (expected e.g. system/cilium)`, 'invalid-path');
    }
  });
  const releases = new Map<string, string>();
  for (const c of def.components) {
    const key = `${c.namespace}/${c.releaseName ?? c.name}`;
    const other = releases.get(key);
    if (other !== undefined) p.add(`components[${index.get(c.name)}]`, `components '${other}' and '${c.name}' would both be HelmRelease ${key}`, 'duplicate-release');
    releases.set(key, c.name);
  }
  def.components.forEach((c, i) => {
    const deps = [...(c.dependsOn ?? []).map((d, j) => [d, `components[${i}].dependsOn[${j}]`] as const),
      ...(c.conditionalDependsOn ?? []).flatMap((x, k) => x.add.map((d, j) => [d, `components[${i}].conditionalDependsOn[${k}].add[${j}]`] as const))];
    for (const [d, at] of deps) {
      if (!index.has(d)) p.add(at, `component '${c.name}' depends on '${d}', which is not in the bundle${didYouMean(d, index.keys())}`, 'unknown-dependency');
      if (d === c.name) p.add(at, `component '${c.name}' depends on itself`, 'dependency-cycle');
    }
  });
  if (p.size === 0) {
    const cycle = findCycle(def.components);
    if (cycle) p.add('components', `dependency cycle: ${cycle.join(' -> ')}`, 'dependency-cycle');
  }
  p.throwIfAny(`invalid bundle ${def.name}`);
}

/** A dependency cycle among the components (static and conditional edges), or undefined. */
function findCycle(components: readonly ComponentDefinition[]): string[] | undefined {
  const edges = new Map(components.map((c) => [c.name, [...(c.dependsOn ?? []), ...(c.conditionalDependsOn ?? []).flatMap((x) => x.add)]]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of edges.get(n) ?? []) {
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const c of components) {
    if (!state.has(c.name)) {
      const cycle = visit(c.name);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

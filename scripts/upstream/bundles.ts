/**
 * Turns the v0.41.11 bundle files (Helm templates) into data: each bundle is rendered by the
 * evaluator of ./go-template.ts for a few `cozystack` ConfigMaps ("worlds"), and the differences
 * between the renders become `condition`, `conditionalValues` and `conditionalDependsOn`.
 *
 * Worlds: the base world sets only the keys the bundle refuses to render without (found by
 * removing each key in turn); each other key read is then set alone to every string literal the
 * template compares it with, and to one other non-empty value. Keys are varied one at a time.
 *
 * The `derived` block re-implements, as plain code, the rules of the platform chart's
 * templates/helmreleases.yaml, namespaces.yaml and apps.yaml for a ConfigMap with no
 * bundle-enable, no bundle-disable and no oidc-enabled key (a test oracle).
 */
import { parse as parseYaml } from 'yaml';
import { evaluate, PLACEHOLDER_TOKEN, TemplateFail, type PlaceholderInfo } from './go-template.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export interface BundleRelease {
  name: string;
  releaseName: string;
  chart: string;
  chartPath: string;
  namespace: string;
  dependsOn: string[];
  optional: boolean;
  privileged: boolean;
  dependsOnDeclared?: false;
  condition?: string;
  valuesFiles?: string[];
  values?: Json;
  conditionalValues?: { when: string; configKeys: string[]; values: Json }[];
  conditionalDependsOn?: { when: string; configKeys: string[]; add: string[] }[];
  placeholders?: string[];
  configKeys?: string[];
}

/** The non-empty value a key gets when the template does not compare it with anything else. */
const SOME_VALUE = 'x';

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function restorePlaceholders(v: Json): Json {
  if (typeof v === 'string') return v.replace(PLACEHOLDER_TOKEN, (_, n: string) => `{{${n}}}`);
  if (Array.isArray(v)) return v.map(restorePlaceholders);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restorePlaceholders(x)]));
  return v;
}

function placeholdersIn(v: Json | undefined, out: Set<string>): void {
  if (typeof v === 'string') for (const m of v.matchAll(/\{\{([A-Za-z0-9]+)\}\}/g)) out.add(`{{${m[1]}}}`);
  else if (Array.isArray(v)) v.forEach((x) => placeholdersIn(x, out));
  else if (isObject(v)) Object.values(v).forEach((x) => placeholdersIn(x, out));
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

interface Rendered {
  releases: Map<string, Obj>;
  order: string[];
  placeholders: Map<string, PlaceholderInfo>;
}

function render(src: string, world: Record<string, string>): Rendered {
  const ev = evaluate(src, world);
  const doc = restorePlaceholders(parseYaml(ev.text) as Json) as { releases?: Obj[] };
  const releases = new Map<string, Obj>();
  for (const r of doc?.releases ?? []) {
    const name = String(r.name);
    if (releases.has(name)) throw new Error(`release '${name}' appears twice`);
    releases.set(name, r);
  }
  return { releases, order: [...releases.keys()], placeholders: ev.placeholders };
}

/** Keys read and literals compared, over renders with more and more keys set (a branch not taken reads nothing). */
function survey(src: string): { keys: string[]; compared: Map<string, Set<string>> } {
  const keys: string[] = [];
  const compared = new Map<string, Set<string>>();
  for (let round = 0; round < 16; round++) {
    const size = keys.length + [...compared.values()].reduce((n, s) => n + s.size, 0);
    const all = Object.fromEntries(keys.map((k) => [k, SOME_VALUE]));
    const worlds: Record<string, string>[] = [all];
    for (const [k, s] of compared) for (const v of s) worlds.push({ ...all, [k]: v });
    for (const w of worlds) {
      let read: { keysRead: string[]; comparedWith: Map<string, Set<string>> };
      try {
        read = evaluate(src, w);
      } catch (e) {
        if (!(e instanceof TemplateFail)) throw e;
        read = e;
      }
      for (const k of read.keysRead) if (!keys.includes(k)) keys.push(k);
      for (const [k, s] of read.comparedWith) for (const v of s) (compared.get(k) ?? compared.set(k, new Set()).get(k)!).add(v);
    }
    if (keys.length + [...compared.values()].reduce((n, s) => n + s.size, 0) === size) return { keys, compared };
  }
  throw new Error('the keys this bundle reads do not settle');
}

export interface BundleFacts {
  failsWithout: string[];
  releaseCount: number;
  releases: BundleRelease[];
  derived: {
    helmReleasesRenderedByDefault: string[];
    namespacesByDefault: Record<string, { privileged: boolean }>;
    dependsOnNotInBundle: { release: string; dependsOn: string }[];
    dependsOnOptionalOrConditional: { release: string; dependsOn: string; why: string }[];
    tenantRootDependsOn: { name: string; namespace: string }[];
  };
}

/** Rules read from the platform chart's templates (see extractPlatformRules). */
export interface PlatformRules {
  /** Release names helmreleases.yaml renders only when oidc-enabled is "true". */
  oidcOnlyNames: string[];
  /** Namespaces namespaces.yaml always adds, with their privileged flag. */
  extraNamespaces: Record<string, boolean>;
  /** Release names whose HelmRelease the tenant-root HelmRelease (apps.yaml) depends on. */
  tenantRootDependsOnNames: string[];
  /** The `_cluster` defaults (namespaces.yaml `$clusterDefaults`). */
  clusterValuesDefaults: Record<string, string>;
}

/** Reads the few rules the derived block needs from the platform chart's templates. */
export function extractPlatformRules(helmreleases: string, namespaces: string, apps: string): PlatformRules {
  const oidcLine = /\$isKeycloakComponent\s*:=\s*(.*)\}\}/.exec(helmreleases);
  if (!oidcLine) throw new Error('templates/helmreleases.yaml: no $isKeycloakComponent rule found');
  const oidcOnlyNames = [...oidcLine[1]!.matchAll(/eq \$x\.name "([^"]+)"/g)].map((m) => m[1]!);
  if (!/and \$isKeycloakComponent \(not \$oidcEnabled\)/.test(helmreleases)) throw new Error('templates/helmreleases.yaml: the keycloak rule changed');
  const extraNamespaces: Record<string, boolean> = {};
  for (const m of namespaces.matchAll(/set \$namespaces "([^"]+)" (true|false)/g)) extraNamespaces[m[1]!] = m[2] === 'true';
  if (!Object.keys(extraNamespaces).length) throw new Error('templates/namespaces.yaml: no extra namespaces found');
  const tr = /has \$x\.name \(list ((?:"[^"]+"\s*)+)\)/.exec(apps);
  if (!tr) throw new Error('templates/apps.yaml: no tenant-root dependsOn rule found');
  const tenantRootDependsOnNames = [...tr[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  const defaults = /\$clusterDefaults\s*:=\s*dict([\s\S]*?)\}\}/.exec(namespaces);
  if (!defaults) throw new Error('templates/namespaces.yaml: no $clusterDefaults found');
  const strings = [...defaults[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  if (strings.length % 2) throw new Error('templates/namespaces.yaml: $clusterDefaults is not key/value pairs');
  const clusterValuesDefaults: Record<string, string> = {};
  for (let i = 0; i < strings.length; i += 2) clusterValuesDefaults[strings[i]!] = strings[i + 1]!;
  return { oidcOnlyNames, extraNamespaces, tenantRootDependsOnNames, clusterValuesDefaults };
}

function deps(r: Obj | undefined): string[] {
  const d = r?.dependsOn;
  return Array.isArray(d) ? d.map(String) : [];
}

/** The facts of one bundle file. `chartPath` maps a chart name to its folder at the tag. */
export function extractBundle(src: string, chartPath: (chart: string) => string, rules: PlatformRules): BundleFacts {
  const { keys, compared } = survey(src);
  const all = Object.fromEntries(keys.map((k) => [k, SOME_VALUE]));
  const failsWithout: string[] = [];
  for (const k of keys) {
    const w = { ...all };
    delete w[k];
    try {
      evaluate(src, w);
    } catch (e) {
      if (!(e instanceof TemplateFail)) throw e;
      failsWithout.push(k);
    }
  }
  const baseWorld = Object.fromEntries(failsWithout.map((k) => [k, SOME_VALUE]));
  const base = render(src, baseWorld);

  // One world per (key, value) for every other key.
  interface World { key: string; value: string; r: Rendered }
  const worlds: World[] = [];
  for (const k of keys) {
    if (failsWithout.includes(k)) continue;
    const values = [...new Set([...(compared.get(k) ?? []), SOME_VALUE])].filter((v) => v !== '').sort(byString);
    for (const value of values) worlds.push({ key: k, value, r: render(src, { ...baseWorld, [k]: value }) });
  }

  // Release order: the base order, with releases of other worlds inserted after their predecessor.
  const order = [...base.order];
  for (const w of worlds) {
    w.r.order.forEach((name, i) => {
      if (order.includes(name)) return;
      const prev = i === 0 ? undefined : w.r.order[i - 1];
      order.splice(prev === undefined ? 0 : order.indexOf(prev) + 1, 0, name);
    });
  }

  const placeholderInfo = new Map(base.placeholders);
  for (const w of worlds) for (const [n, i] of w.r.placeholders) placeholderInfo.set(n, i);

  /** `when` text for a change seen in exactly the worlds `seen` of key `key`. */
  const when = (key: string, seen: string[]): string => {
    const tested = worlds.filter((w) => w.key === key).map((w) => w.value);
    if (same([...seen].sort(byString), [...tested].sort(byString))) return `${key} is set and non-empty`;
    if (seen.length === 1 && seen[0] !== SOME_VALUE) return `${key} == "${seen[0]}"`;
    throw new Error(`a change under ${key} in {${seen.join(', ')}} of {${tested.join(', ')}} cannot be described`);
  };

  const releases: BundleRelease[] = [];
  for (const name of order) {
    const inBase = base.releases.get(name);
    let condition: string | undefined;
    let raw = inBase;
    if (!raw) {
      const present = worlds.filter((w) => w.r.releases.has(name));
      const key = present[0]!.key;
      if (present.some((w) => w.key !== key)) throw new Error(`release ${name} depends on more than one key`);
      const w = when(key, present.map((p) => p.value));
      if (w !== `${key} is set and non-empty`) throw new Error(`release ${name}: condition '${w}' is not supported`);
      condition = key;
      raw = present[0]!.r.releases.get(name)!;
      for (const p of present) if (!same(p.r.releases.get(name), raw)) throw new Error(`release ${name} differs between the worlds it exists in`);
    }
    const r: BundleRelease = {
      name,
      releaseName: String(raw.releaseName ?? name),
      chart: String(raw.chart),
      chartPath: chartPath(String(raw.chart)),
      namespace: String(raw.namespace),
      dependsOn: deps(raw),
      optional: raw.optional === true,
      privileged: raw.privileged === true,
    };
    if (!('dependsOn' in raw)) r.dependsOnDeclared = false;
    if (condition !== undefined) r.condition = condition;
    if (Array.isArray(raw.valuesFiles)) r.valuesFiles = raw.valuesFiles.map(String);
    if (raw.values !== undefined && raw.values !== null) r.values = raw.values;

    if (inBase) {
      // Changes of values and dependsOn per key.
      const byKey = new Map<string, { values: Map<string, Json | undefined>; deps: Map<string, string[]> }>();
      for (const w of worlds) {
        const x = w.r.releases.get(name);
        if (!x) throw new Error(`release ${name} disappears when ${w.key}=${w.value}`);
        const e = byKey.get(w.key) ?? byKey.set(w.key, { values: new Map(), deps: new Map() }).get(w.key)!;
        if (!same(x.values ?? null, raw.values ?? null)) e.values.set(w.value, x.values ?? undefined);
        if (!same(deps(x), deps(raw))) e.deps.set(w.value, deps(x));
        for (const f of Object.keys(x)) if (!['values', 'dependsOn'].includes(f) && !same(x[f], raw[f])) throw new Error(`release ${name}: field ${f} changes with ${w.key}`);
      }
      for (const [key, e] of byKey) {
        if (e.values.size) {
          const vals = [...e.values.values()];
          if (vals.some((v) => !same(v, vals[0]))) throw new Error(`release ${name}: values change differently with ${key}`);
          (r.conditionalValues ??= []).push({ when: when(key, [...e.values.keys()]), configKeys: [key], values: vals[0] as Json });
        }
        if (e.deps.size) {
          const lists = [...e.deps.values()];
          if (lists.some((l) => !same(l, lists[0]))) throw new Error(`release ${name}: dependsOn changes differently with ${key}`);
          const removed = deps(raw).filter((d) => !lists[0]!.includes(d));
          if (removed.length) throw new Error(`release ${name}: ${key} removes dependsOn ${removed.join(', ')}`);
          (r.conditionalDependsOn ??= []).push({ when: when(key, [...e.deps.keys()]), configKeys: [key], add: lists[0]!.filter((d) => !deps(raw).includes(d)) });
        }
      }
    }

    const ph = new Set<string>();
    placeholdersIn(r.values, ph);
    for (const c of r.conditionalValues ?? []) placeholdersIn(c.values, ph);
    if (ph.size) r.placeholders = [...ph].sort(byString);
    const ck = new Set<string>();
    for (const p of ph) {
      const k = placeholderInfo.get(p.slice(2, -2))?.configKey;
      if (k) ck.add(k);
    }
    if (r.condition) ck.add(r.condition);
    for (const c of [...(r.conditionalValues ?? []), ...(r.conditionalDependsOn ?? [])]) c.configKeys.forEach((k) => ck.add(k));
    if (ck.size) r.configKeys = [...ck].sort(byString);
    releases.push(r);
  }

  return { failsWithout, releaseCount: releases.length, releases, derived: derive(releases, base, rules) };
}

function derive(releases: BundleRelease[], base: Rendered, rules: PlatformRules): BundleFacts['derived'] {
  const present = releases.filter((r) => base.releases.has(r.name));
  // helmreleases.yaml with no oidc-enabled, bundle-enable or bundle-disable.
  const rendered = present.filter((r) => !rules.oidcOnlyNames.includes(r.name) && !r.optional).map((r) => r.name);
  // namespaces.yaml
  const ns = new Map<string, boolean>();
  for (const r of present) {
    if (!ns.has(r.namespace) && !r.optional) ns.set(r.namespace, false);
    if (r.privileged || ns.get(r.namespace) === true) ns.set(r.namespace, true);
  }
  for (const [n, p] of Object.entries(rules.extraNamespaces)) ns.set(n, p);
  const namespacesByDefault: Record<string, { privileged: boolean }> = {};
  for (const n of [...ns.keys()].sort(byString)) namespacesByDefault[n] = { privileged: ns.get(n)! };

  const byName = new Map(releases.map((r) => [r.name, r]));
  const dependsOnNotInBundle: { release: string; dependsOn: string }[] = [];
  const dependsOnOptionalOrConditional: { release: string; dependsOn: string; why: string }[] = [];
  for (const r of releases) {
    const all = [...new Set([...r.dependsOn, ...(r.conditionalDependsOn ?? []).flatMap((c) => c.add)])];
    for (const d of all) {
      const t = byName.get(d);
      if (!t) dependsOnNotInBundle.push({ release: r.name, dependsOn: d });
      else if (t.optional) dependsOnOptionalOrConditional.push({ release: r.name, dependsOn: d, why: 'optional' });
      else if (t.condition) dependsOnOptionalOrConditional.push({ release: r.name, dependsOn: d, why: `condition:${t.condition}` });
    }
  }
  const tenantRootDependsOn = present.filter((r) => rules.tenantRootDependsOnNames.includes(r.name)).map((r) => ({ name: r.name, namespace: r.namespace }));
  return { helmReleasesRenderedByDefault: rendered, namespacesByDefault, dependsOnNotInBundle, dependsOnOptionalOrConditional, tenantRootDependsOn };
}

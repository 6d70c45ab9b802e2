import { JsonPatch, type ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { type AppDefinition, type AppOptions, APP_OPTION_KEYS } from '../model/app-definition.js';

export type { AppOptions };
import { addAppRelease } from '../renderings/app-release.js';
import type { JsonValue, Values } from '../core/values.js';
import { Problems } from '../core/errors.js';
import type { Tenant } from './tenant.js';
import { APP_BRAND, brand, findUp, hasBrand, TENANT_BRAND } from './tree.js';
import { validateAppValues } from '../model/app-values.js';
import { definitionAt } from '../model/app-catalog.js';
import { isDnsLabel, isDnsSubdomain } from '../core/predicates.js';
import { addObject, GVK } from '../renderings/objects.js';
import { findCredentialShapes } from '../model/credential-shapes.js';
import { credentialPatterns, credentialsDocument, CREDENTIALS_VALUES_KEY, extractCredentials, type FoundCredential, secretKey, targetPath } from '../model/credentials.js';
import { isPlainObject } from '../core/values.js';
import { VALUES_DIGEST_ANNOTATION, valuesDigest } from '../core/values-digest.js';

/** Label of the Secrets that carry credentials moved out of app values. */
export const CREDENTIALS_LABEL = 'cdk8s.cozystack.io/credentials';

/** Properties of a {@link ManagedApp}: its catalog entry, its values, and the options. */
export interface ManagedAppProps extends AppOptions {
  /**
   * The catalog entry of the app's kind (of any release: the app takes its kind's entry at the
   * platform's release, which must serve it; a kind no catalog has is taken as given).
   */
  readonly definition: AppDefinition;
  /**
   * The chart values, as the `spec` of the application object.
   * @default {}
   */
  readonly values?: Values;
}

/** Typed app props as {@link ManagedAppProps}: the options apart, everything else the chart values. @internal */
export function appProps(props: object): Omit<ManagedAppProps, 'definition'> {
  const values: Values = {};
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if ((APP_OPTION_KEYS as readonly string[]).includes(k)) options[k] = v;
    else values[k] = v as Values[string];
  }
  return { values, ...(options as AppOptions) };
}

/**
 * A managed application ordered in a tenant: the HelmRelease the platform's API stores for an
 * `apps.cozystack.io/v1alpha1` object, with its values checked against the chart's schema.
 * The generated classes in the catalog (`Postgres`, `Kubernetes`, ...) extend it.
 */
export class ManagedApp<P = Values> extends Construct {
  /** True when `x` is a ManagedApp, also across copies of this package. */
  public static isManagedApp(x: unknown): x is ManagedApp {
    return hasBrand(x, APP_BRAND);
  }

  /** The catalog entry of this app's kind at the platform's release. */
  public readonly definition: AppDefinition;
  /** The tenant the app is ordered in. */
  public readonly tenant: Tenant;
  /** Name of the application object. */
  public readonly appName: string;
  /** Name of its HelmRelease (`<prefix><name>`). */
  public readonly releaseName: string;
  /** Namespace of the app: its tenant's namespace. */
  public readonly namespace: string;
  /** The values exactly as given (the HelmRelease's `spec.values`). */
  public readonly values: Values;
  /** Props as given, typed. */
  public readonly props: P;

  /**
   * @param scope the tenant the app is ordered in, or any construct inside it (found as cdk8s'
   *   `Chart.of()` finds a chart)
   * @param id the application's name, also the construct id
   */
  constructor(scope: Construct, id: string, props: ManagedAppProps) {
    const { definition: given, values = {}, ...options } = props;
    const tenant = findUp(scope, TENANT_BRAND) as Tenant | undefined;
    const subject = `${given.kind} ${tenant ? tenant.namespace : '?'}/${id}`;
    const p = new Problems(subject);
    if (!tenant) {
      p.add('', `must be created in a Tenant or a construct inside one (e.g. new ${given.kind}(platform.rootTenant, '${id}')), not in ${scope.node.path}`, 'not-in-tenant');
      p.throwIfAny();
    }
    const t = tenant!;
    // The kind at the platform's release: its schema, defaults and HelmRelease shape.
    const at = definitionAt(given, t.context.release);
    if ('problem' in at) {
      p.add('kind', at.problem, 'kind-not-in-release');
      p.throwIfAny(`invalid ${given.kind}`);
    }
    const definition = (at as { definition: AppDefinition }).definition;
    const releaseName = `${definition.prefix}${id}`;
    if (!isDnsLabel(id)) p.add('metadata.name', `'${id}' is not a valid name (lowercase letters, digits and '-', starting and ending alphanumeric)`, 'invalid-name');
    else if (releaseName.length > 53) p.add('metadata.name', `release name '${releaseName}' is longer than 53 characters`, 'name-too-long');
    if (definition.module && definition.prefix === '' && id !== definition.chart) {
      p.add('metadata.name', `a ${definition.kind} module must be named '${definition.chart}'`, 'invalid-name');
    }
    if (!isPlainObject(values)) p.add('spec', `expected a map of values, got ${JSON.stringify(values)}`, 'invalid-type');
    const context = t.context;
    const notServed = context.notServed(definition);
    if (notServed !== undefined) p.add('kind', notServed, 'kind-not-served');
    for (const s of definition.requiredServices) {
      if (!t.services[s]) {
        p.add('', `${definition.kind} needs the tenant service '${s}', and neither ${t.namespace} nor any ancestor runs it; set ${s}: true on ${t.namespace} or an ancestor`, 'missing-service');
      }
    }
    const warnings: string[] = [];
    if (isPlainObject(values)) {
      for (const k of Object.keys(values)) if (k.startsWith('_')) p.add(`spec.${k}`, 'keys starting with _ are reserved for the platform', 'reserved-key');
      const result = validateAppValues(definition, values);
      for (const e of result.errors) p.add(`spec${e.path}`, e.message, e.rule);
      for (const w of result.warnings) {
        if (context.strict) p.add(`spec${w.path}`, w.message, w.rule);
        else warnings.push(`${subject} spec${w.path}: ${w.message} [${w.rule}]`);
      }
    }
    const appKey = `${t.namespace}/${definition.kind}/${id}`;
    // In a tenant itself, an app whose name a child tenant or an app of another kind already has
    // (distinct objects on a cluster) sits in a construct of its kind (`<tenant>/Postgres/db`).
    const parent = scope === t && t.node.tryFindChild(id) ? kindGroup(t, definition.kind) : scope;
    if (context.apps.has(appKey)) p.add('metadata.name', `${definition.kind} '${id}' already exists in ${t.namespace}`, 'duplicate-app');
    else if (parent?.node.tryFindChild(id)) {
      p.add('metadata.name', `${parent.node.path} already has a construct named '${id}'; give apps of the same name constructs of their own`, 'duplicate-construct');
    }
    const claimed = context.releases.get(`${t.namespace}/${releaseName}`);
    if (claimed) p.add('metadata.name', `HelmRelease ${t.namespace}/${releaseName} is already ${claimed}`, 'duplicate-release');
    if (options.credentialsSecret !== undefined && !isDnsSubdomain(options.credentialsSecret)) {
      p.add('credentialsSecret', `'${options.credentialsSecret}' is not a valid Secret name`, 'invalid-name');
    }
    // Credentials no schema marks, recognised by their shape in what is committed (issue 15, point 8).
    // The credentials the chart marks, found once: they move to a Secret (separateCredentials).
    const marked = isPlainObject(values) ? extractCredentials(values, credentialPatterns(definition.schema)) : undefined;
    if (marked) {
      for (const f of committedCredentialShapes(values, marked.credentials, context.credentialHandling === 'inline' && !options.credentialsSecret)) {
        const message = `${f.reason}; it would be committed to Git in the HelmRelease values (the value is not shown): put it in a Secret of your own (credentialsSecret, credentialsSecretKeys)`;
        if (context.strict && !f.inline) p.add(`spec${f.path}`, message, 'credential-shape');
        else warnings.push(`${subject} spec${f.path}: ${message} [credential-shape]`);
      }
    }
    // An app's host (the Kubernetes API, Grafana, S3, VPN endpoint) lies in its tenant's zone.
    const appHost = isPlainObject(values) && typeof values.host === 'string' && values.host !== '' ? values.host : undefined;
    if (appHost !== undefined) {
      const who = { namespace: t.namespace, ancestors: t.ancestors.map((a) => a.namespace), zone: t.host, app: true, ...(definition.module ? { service: definition.chart } : {}) };
      for (const z of context.hostRegistry.check(appHost, who)) p.add('spec.host', z.message, z.rule);
    }
    p.throwIfAny(`invalid ${definition.kind}`);
    if (appHost !== undefined) context.hostRegistry.claim(appHost, { namespace: t.namespace, owner: `${definition.kind} ${t.namespace}/${id}`, kind: 'app' });

    super(parent ?? new Construct(t, definition.kind), id);
    brand(this, APP_BRAND);
    this.definition = definition;
    this.tenant = t;
    this.appName = id;
    this.releaseName = releaseName;
    this.namespace = t.namespace;
    this.values = values;
    this.props = values as P;
    for (const w of warnings) context.warn(w);
    context.releases.set(`${t.namespace}/${releaseName}`, `${definition.kind} ${id}`);
    context.apps.add(appKey);
    const scopeOfObjects = context.objectScope(t);
    const { values: shown, valuesFrom } = this.separateCredentials(scopeOfObjects, subject, values, options, marked ?? { values, credentials: [] });
    const release = addAppRelease(scopeOfObjects, {
      kind: definition.kind,
      name: id,
      releaseName,
      namespace: t.namespace,
      chart: definition.chart,
      chartPath: definition.chartPath,
      chartArtifact: definition.chartArtifact,
      shape: definition.helmRelease,
      sourcing: context.charts,
      labels: definition.labels,
      values: shown,
      extraValuesFrom: valuesFrom,
    });
    keepNulls(release, shown, '/spec/values');
  }

  /**
   * Moves credentials out of the values: into a Secret of the library's (written apart from the
   * rest of the output) or an existing one, read back through valuesFrom with targetPath, so the
   * chart sees the same values.
   */
  private separateCredentials(scope: Construct, subject: string, values: Values, options: AppOptions, marked: { values: Values; credentials: readonly FoundCredential[] }): { values: Values; valuesFrom: Record<string, string>[] } {
    const context = this.tenant.context;
    const extra = Object.entries(options.credentialsSecretKeys ?? {});
    if (context.credentialHandling === 'inline' && !options.credentialsSecret) return { values, valuesFrom: [] };
    const { values: clean, credentials } = marked;
    if (!credentials.length && !extra.length) return { values, valuesFrom: [] };
    const secretName = options.credentialsSecret ?? `${this.releaseName}-credential-values`;
    const used = new Set<string>();
    const entries = credentials.map((c) => {
      let key = secretKey(c.path);
      for (let i = 2; used.has(key); i++) key = `${secretKey(c.path)}-${i}`;
      used.add(key);
      return { key, path: targetPath(c.path), value: c.value };
    });
    if (!options.credentialsSecret) {
      // The library's Secret: one values document, merged at the root, so every value reaches the
      // chart exactly as given (no targetPath: its --set parser changes types and characters).
      const { document, values: rest } = credentialsDocument(values, credentials);
      const body = { type: 'Opaque', stringData: { [CREDENTIALS_VALUES_KEY]: document } };
      // Committed encrypted: a digest in the clear tells the next synth whether the encrypted file
      // still holds this content (then it is kept as it is), without the key.
      const annotations = context.credentialsEncrypted ? { annotations: { [VALUES_DIGEST_ANNOTATION]: valuesDigest({ namespace: this.namespace, name: secretName, ...body }, context.sopsRecipients) } } : {};
      addObject(scope, GVK.Secret, { name: secretName, namespace: this.namespace, labels: { [CREDENTIALS_LABEL]: 'true' }, ...annotations }, body);
      context.credentialSecrets.set(`${this.namespace}/${secretName}`, `${this.namespace}/${this.releaseName}`);
      if (entries.length) context.warn(`${subject}: credentials ${entries.map((e) => `spec.${e.path}`).join(', ')} moved to the Secret ${this.namespace}/${secretName}, written under secrets/ and ${context.credentialsEncrypted ? 'committed once encrypted with SOPS' : 'kept out of Git'}`);
      return { values: rest, valuesFrom: [{ kind: 'Secret', name: secretName, valuesKey: CREDENTIALS_VALUES_KEY }] };
    }
    // An existing Secret of the user's: its keys are read back with targetPath.
    const valuesFrom = [
      ...entries.map((e) => ({ kind: 'Secret', name: secretName, valuesKey: e.key, targetPath: e.path })),
      ...extra.map(([key, path]) => ({ kind: 'Secret', name: secretName, valuesKey: key, targetPath: path })),
    ];
    if (entries.length) {
      context.warn(`${subject}: credentials ${entries.map((e) => `spec.${e.path}`).join(', ')} read from the existing Secret ${this.namespace}/${secretName} (keys ${entries.map((e) => e.key).join(', ')})`);
    }
    return { values: clean, valuesFrom };
  }
}

/**
 * Credentials by shape in the values an app commits: those of {@link findCredentialShapes} outside
 * what moves to the credentials Secret (a credential the chart marks, with its whole list), and,
 * with inline handling, every credential the chart marks (`inline` set).
 */
function committedCredentialShapes(values: Values, marked: readonly FoundCredential[], inline: boolean): { path: string; reason: string; inline?: boolean }[] {
  const toPath = (segments: readonly string[]): string => segments.map((x) => (/^\[\d+\]$/.test(x) ? x : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(x) ? `.${x}` : `[${JSON.stringify(x)}]`)).join('');
  const shapes = findCredentialShapes(values);
  if (inline) {
    const paths = marked.map((c) => toPath(c.path));
    return [...marked.map((c) => ({ path: toPath(c.path), reason: 'a credential its chart marks, committed as given (credentials.handling: inline)', inline: true })), ...shapes.filter((f) => !paths.includes(f.path))];
  }
  const moved = marked.map((c) => {
    const list = c.path.findIndex((x) => /^\[\d+\]$/.test(x));
    return toPath(list === -1 ? c.path : c.path.slice(0, list));
  });
  return shapes.filter((f) => !moved.some((m) => f.path === m || f.path.startsWith(`${m}.`) || f.path.startsWith(`${m}[`)));
}

/** cdk8s drops nulls; a null in values deletes a chart default, so put them back. */
function keepNulls(obj: ApiObject, v: JsonValue, path: string): void {
  if (v === null) {
    obj.addJsonPatch(JsonPatch.add(path, null));
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => (x === null ? obj.addJsonPatch(JsonPatch.replace(`${path}/${i}`, null)) : keepNulls(obj, x, `${path}/${i}`)));
  }
  else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) if (x === null || typeof x === 'object') keepNulls(obj, x as JsonValue, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
}

/** The construct of a tenant that holds its apps of one kind whose names are taken, if made yet. */
function kindGroup(t: Construct, kind: string): Construct | undefined {
  return t.node.tryFindChild(kind) as Construct | undefined;
}

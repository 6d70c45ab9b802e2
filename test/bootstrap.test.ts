// Bootstrap from Git (issue 8): the operator-mode installer objects, version tracking and the
// deletion guardrail. Expected values are the upstream installer's and platform chart's facts
// (cozy-installer values.yaml and templates, platform templates, release tags), written out here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { App } from 'cdk8s';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, ServiceAccount } from 'kubernetes-models/v1';
import { beforeEach, describe, expect, it } from 'vitest';
import { Bundle, CozystackValidationError, type KubeObject, Platform, type PlatformConstructProps, renderFiles } from '../lib/index.js';
import { Ajv } from 'ajv';
import { parsePlatformDocument, PLATFORM_SCHEMA } from '../lib/input/platform-document.js';
import { validateCustomResource } from './support/crd-schemas.js';
import { validateKubeObject } from './support/kube-schemas.js';
import { validateObject } from './support/schemas.js';
import { ofKind, PAAS, spec, synthPlatform } from './support/synth.js';

// Facts of upstream v1.6.2, the default release (packages/core/installer/values.yaml at the tag).
const INSTALLER = (parseYaml(readFileSync(join(import.meta.dirname, '..', 'releases', 'v1.6.2', 'upstream', 'packages', 'core', 'installer', 'values.yaml'), 'utf8')) as {
  cozystackOperator: { image: string; platformSourceUrl: string; platformSourceRef: string };
}).cozystackOperator;
const V162_IMAGE = INSTALLER.image;
const PACKAGES_URL = INSTALLER.platformSourceUrl;
const V162_REF = INSTALLER.platformSourceRef;
const NO_DELETE = 'platform.cozystack.io/no-delete';
const TALOS_ENV = [
  { name: 'KUBERNETES_SERVICE_HOST', value: 'localhost' },
  { name: 'KUBERNETES_SERVICE_PORT', value: '7445' },
];
/** The arguments every operator gets, before the optional ones. */
const FIXED_ARGS = ['--leader-elect=true', '--install-flux=false', '--install-crds=true', '--metrics-bind-address=0', '--health-probe-bind-address=0'];

type Props = Partial<PlatformConstructProps> & { bundle?: Bundle };
interface Container {
  name: string;
  image: string;
  args: string[];
  env?: { name: string; value: string }[];
}

const operator = (props: Props = {}) => synthPlatform({ mode: 'operator', ...props });
const find = (objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
const deployment = (objects: KubeObject[]): KubeObject => {
  const d = find(objects, 'Deployment', 'cozystack-operator', 'cozy-system');
  expect(d).toBeDefined();
  return d!;
};
const container = (props: Props = {}): Container => (spec(deployment(operator(props).objects)) as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;
const args = (props: Props = {}): string[] => container(props).args;
/** The optional arguments: everything after the fixed ones. */
const optionalArgs = (props: Props = {}): string[] => {
  const a = args(props);
  expect(a.slice(0, FIXED_ARGS.length)).toEqual(FIXED_ARGS);
  return a.slice(FIXED_ARGS.length);
};
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CozystackValidationError);
    return (e as CozystackValidationError).problems.map((p) => `${p.path} [${p.rule}] ${p.message}`);
  }
  throw new Error('expected an error');
};

// ---------------------------------------------------------------------------------------------
// Schema validation of the new kinds: kubernetes-models (types, required fields) plus the
// unknown-field check it leaves out, with the Kubernetes API's field names.

type Shape = { readonly [field: string]: Shape | '*' };
const META: Shape = { name: '*', namespace: '*', labels: '*', annotations: '*' };
const CONTAINER: Shape = { name: '*', image: '*', args: '*', command: '*', env: { '[]': { name: '*', value: '*', valueFrom: '*' } }, resources: '*', securityContext: '*', imagePullPolicy: '*' };
const SHAPES: Readonly<Record<string, { shape: Shape; namespaced: boolean; validate: (o: unknown) => void }>> = {
  'v1/Namespace': { shape: { apiVersion: '*', kind: '*', metadata: META }, namespaced: false, validate: (o) => new Namespace(o as never).validate() },
  'v1/ServiceAccount': { shape: { apiVersion: '*', kind: '*', metadata: META }, namespaced: true, validate: (o) => new ServiceAccount(o as never).validate() },
  'v1/ConfigMap': { shape: { apiVersion: '*', kind: '*', metadata: META, data: '*' }, namespaced: true, validate: (o) => new ConfigMap(o as never).validate() },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    shape: { apiVersion: '*', kind: '*', metadata: META, subjects: { '[]': { kind: '*', name: '*', namespace: '*', apiGroup: '*' } }, roleRef: { kind: '*', name: '*', apiGroup: '*' } },
    namespaced: false,
    validate: (o) => new ClusterRoleBinding(o as never).validate(),
  },
  'apps/v1/Deployment': {
    shape: {
      apiVersion: '*',
      kind: '*',
      metadata: META,
      spec: {
        replicas: '*',
        selector: { matchLabels: '*' },
        strategy: { type: '*', rollingUpdate: { maxSurge: '*', maxUnavailable: '*' } },
        template: {
          metadata: { labels: '*', annotations: '*' },
          spec: {
            serviceAccountName: '*',
            hostNetwork: '*',
            containers: { '[]': CONTAINER },
            tolerations: { '[]': { key: '*', operator: '*', value: '*', effect: '*', tolerationSeconds: '*' } },
          },
        },
      },
    },
    namespaced: true,
    validate: (o) => new Deployment(o as never).validate(),
  },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': {
    shape: {
      apiVersion: '*',
      kind: '*',
      metadata: META,
      spec: {
        failurePolicy: '*',
        matchConstraints: { resourceRules: { '[]': { apiGroups: '*', apiVersions: '*', operations: '*', resources: '*', resourceNames: '*', scope: '*' } } },
        validations: { '[]': { expression: '*', message: '*', messageExpression: '*', reason: '*' } },
      },
    },
    namespaced: false,
    validate: (o) => new ValidatingAdmissionPolicy(o as never).validate(),
  },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': {
    shape: {
      apiVersion: '*',
      kind: '*',
      metadata: META,
      spec: { policyName: '*', validationActions: '*', matchResources: { objectSelector: { matchLabels: '*', matchExpressions: '*' } } },
    },
    namespaced: false,
    validate: (o) => new ValidatingAdmissionPolicyBinding(o as never).validate(),
  },
};

function unknownFields(value: unknown, shape: Shape | '*', path: string): string[] {
  if (shape === '*' || value === null || typeof value !== 'object') return [];
  const items = shape['[]'];
  if (items !== undefined) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, items, `${path}/${i}`)) : [`${path}: expected a list`];
  return Object.entries(value).flatMap(([k, v]) => (shape[k] === undefined ? [`${path}/${k}: unknown field`] : unknownFields(v, shape[k]!, `${path}/${k}`)));
}

/** Problems of one object of the kinds this issue adds (strict), or undefined for other kinds. */
function validateNewKind(o: KubeObject): string[] | undefined {
  const k = SHAPES[`${o.apiVersion}/${o.kind}`];
  if (!k) return undefined;
  const errors: string[] = [];
  try {
    k.validate(JSON.parse(JSON.stringify(o)));
  } catch (e) {
    errors.push((e as Error).message);
  }
  errors.push(...unknownFields(o, k.shape, ''));
  if (k.namespaced !== (o.metadata.namespace !== undefined)) errors.push(`namespace ${String(o.metadata.namespace)} is wrong for this kind`);
  return errors.map((e) => `${o.kind} ${o.metadata.name}: ${e}`);
}

/** Every object against its schema; kinds nobody knows are errors too. */
function schemaErrors(objects: KubeObject[]): string[] {
  // Cilium policies (tenant-root's service policies at v1.6) against the Cilium schemas.
  return objects.flatMap((o) =>
    o.apiVersion === 'cilium.io/v2' ? validateObject(o) : (validateNewKind(o) ?? validateCustomResource(o) ?? validateKubeObject(o) ?? [`${o.apiVersion}/${o.kind} ${o.metadata.name}: no schema`]),
  );
}

// ---------------------------------------------------------------------------------------------

describe('operator mode bootstrap: the installer objects', () => {
  // Built before each test, not while the file is collected, so that mutation testing sees which
  // test covers which code (docs/testing.md).
  let objects: KubeObject[];
  beforeEach(() => {
    objects = operator().objects;
  });

  it('the cozy-system Namespace carries the installer labels and the keep annotation', () => {
    const ns = find(objects, 'Namespace', 'cozy-system')!;
    expect(ns.metadata.labels).toEqual({ 'cozystack.io/system': 'true', [NO_DELETE]: 'true', 'pod-security.kubernetes.io/enforce': 'privileged' });
    expect(ns.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    // The operator creates every other namespace from the Packages.
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata.name).filter((n) => !n.startsWith('tenant-'))).toEqual(['cozy-system']);
  });

  it('ServiceAccount cozy-system/cozystack bound to cluster-admin by ClusterRoleBinding cozystack', () => {
    expect(find(objects, 'ServiceAccount', 'cozystack', 'cozy-system')).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cozystack', namespace: 'cozy-system' } });
    const crb = find(objects, 'ClusterRoleBinding', 'cozystack')!;
    expect(crb).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'cozystack' },
      subjects: [{ kind: 'ServiceAccount', name: 'cozystack', namespace: 'cozy-system' }],
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin', apiGroup: 'rbac.authorization.k8s.io' },
    });
  });

  it('the cozystack-operator Deployment has the installer shape and the default arguments', () => {
    expect(spec(deployment(objects))).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'cozystack-operator' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'cozystack-operator' } },
        spec: {
          serviceAccountName: 'cozystack',
          containers: [
            {
              name: 'cozystack-operator',
              image: V162_IMAGE,
              args: [...FIXED_ARGS, '--platform-source-name=cozystack-platform', `--platform-source-url=${PACKAGES_URL}`, `--platform-source-ref=${V162_REF}`],
              env: TALOS_ENV,
            },
          ],
          hostNetwork: true,
          tolerations: [
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
            { key: 'node.cilium.io/agent-not-ready', operator: 'Exists' },
            { key: 'node.cloudprovider.kubernetes.io/uninitialized', operator: 'Exists' },
          ],
        },
      },
    });
  });

  it('what the operator reconciles: a PackageSource per Package, cozystack-packages, the values Secret; not cozystack-platform', () => {
    const sources = new Set(ofKind(objects, 'PackageSource').map((p) => p.metadata.name));
    for (const p of ofKind(objects, 'Package')) expect(sources.has(p.metadata.name), p.metadata.name).toBe(true);
    for (const ps of ofKind(objects, 'PackageSource')) expect(spec<{ sourceRef: { name: string } }>(ps).sourceRef.name).toBe('cozystack-packages');
    expect(ofKind(objects, 'OCIRepository').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['cozy-system/cozystack-packages']);
    expect(spec(ofKind(objects, 'OCIRepository')[0]!)).toEqual({ url: PACKAGES_URL, interval: '5m', ref: { digest: V162_REF.slice('digest='.length) } });
    expect(find(objects, 'Secret', 'cozystack-values', 'cozy-system')).toBeDefined();
  });

  it.each(['isp-full', 'isp-hosted', 'isp-full-generic'] as const)('every object of variant %s validates against the Kubernetes and CRD schemas', (variant) => {
    expect(schemaErrors(operator({ bundle: variant === 'isp-hosted' ? Bundle.PAAS_HOSTED : Bundle.PAAS_FULL, variant, operator: { variant: 'hosted' } }).objects)).toEqual([]);
  });

  it.each([Bundle.DISTRO_FULL, Bundle.DISTRO_HOSTED])('the distro bundles were removed upstream in v1.0: %s is an error that names what to use', (bundle) => {
    expect(problems(() => operator({ bundle }))).toEqual([expect.stringMatching(new RegExp(`^bundle \\[not-in-release\\] bundle ${bundle.name} was removed upstream in Cozystack v1\\.0.*use bundle paas-`))]);
  });

  it('the strict validator catches a typo in the Deployment and a missing CEL expression', () => {
    const d = deployment(objects);
    const typo = { ...d, spec: { ...spec<Record<string, unknown>>(d), replcas: 1 } } as KubeObject;
    expect(validateNewKind(typo)!.join()).toMatch(/replcas: unknown field/);
    const vap = find(objects, 'ValidatingAdmissionPolicy', 'cozystack-no-delete-guardrail')!;
    const noExpr = { ...vap, spec: { ...spec<Record<string, unknown>>(vap), validations: [{ message: 'x' }] } } as KubeObject;
    expect(validateNewKind(noExpr)!.join()).toMatch(/expression/);
  });

  it('flux mode has no operator objects and keeps both sources', () => {
    const flux = synthPlatform({}).objects;
    for (const kind of ['Deployment', 'ServiceAccount', 'ClusterRoleBinding']) expect(ofKind(flux, kind)).toEqual([]);
    expect(ofKind(flux, 'OCIRepository').map((r) => r.metadata.name)).toEqual(['cozystack-platform', 'cozystack-packages']);
    expect(schemaErrors(flux)).toEqual([]);
  });
});

describe('operator arguments follow the settings', () => {
  it('platform source URL (another OCI repository: no ref unless given)', () => {
    expect(optionalArgs({ source: { url: 'oci://registry.example/cozy/packages' } })).toEqual([
      '--platform-source-name=cozystack-platform',
      '--platform-source-url=oci://registry.example/cozy/packages',
    ]);
  });
  it('a Git URL is refused at v1.x: the PackageSources of the platform chart read the OCIRepository cozystack-packages', () => {
    expect(problems(() => operator({ source: { url: 'https://github.com/example/cozystack.git', ref: { branch: 'main' } } }))).toEqual([expect.stringMatching(/^source\.url \[not-in-release\].*oci:\/\//)]);
  });
  const oci = 'oci://registry.example/cozy/packages';
  const refArg = (props: Props) => args(props).filter((a) => a.startsWith('--platform-source-ref'));
  it.each([
    ['OCI digest', oci, { digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000001' }, '--platform-source-ref=digest=sha256:0000000000000000000000000000000000000000000000000000000000000001'],
    ['OCI tag', oci, { tag: 'v1.6.2' }, '--platform-source-ref=tag=v1.6.2'],
    ['OCI semver', oci, { semver: '>=1.6.0' }, '--platform-source-ref=semver=>=1.6.0'],
    ['OCI semver with filter', oci, { semverFilter: '.*-rc.*', semver: '>=1.6.0-0' }, '--platform-source-ref=semver=>=1.6.0-0,semverFilter=.*-rc.*'],
  ] as const)('ref: %s', (_, url, ref, expected) => {
    expect(refArg({ source: { url, ref } })).toEqual([expected]);
  });
  it('the default artifact is pinned by the digest the v1.6.2 installer pins', () => {
    expect(V162_REF).toMatch(/^digest=sha256:[0-9a-f]{64}$/);
    expect(refArg({})).toEqual([`--platform-source-ref=${V162_REF}`]);
  });
  it('secret', () => {
    expect(args({ source: { secretName: 'ghcr-creds' } }).at(-1)).toBe('--platform-source-secret=ghcr-creds');
  });
  it('telemetry: --disable-telemetry only when telemetry.enabled is false', () => {
    expect(optionalArgs({ telemetry: { enabled: false } })[0]).toBe('--disable-telemetry');
    expect(args({ telemetry: { enabled: true } })).not.toContain('--disable-telemetry');
    expect(args({})).not.toContain('--disable-telemetry');
  });
  it.each([
    ['interval', { interval: '1m' }, '--helmrelease-interval=1m'],
    ['retryInterval', { retryInterval: '2m' }, '--helmrelease-retry-interval=2m'],
    ['installTimeout', { installTimeout: '20m' }, '--helmrelease-install-timeout=20m'],
    ['upgradeTimeout', { upgradeTimeout: '25m' }, '--helmrelease-upgrade-timeout=25m'],
    ['maxHistory', { maxHistory: 0 }, '--helmrelease-max-history=0'],
  ] as const)('tuning: %s', (_, helmRelease, flag) => {
    expect(optionalArgs({ helmRelease })).toEqual([flag, '--platform-source-name=cozystack-platform', `--platform-source-url=${PACKAGES_URL}`, `--platform-source-ref=${V162_REF}`]);
  });
  it('tuning flags in the installer order, and none when the settings equal the operator defaults', () => {
    const all = optionalArgs({ helmRelease: { maxHistory: 3, upgradeTimeout: '15m', installTimeout: '15m', retryInterval: '10s', interval: '10m' } });
    expect(all.slice(0, 5)).toEqual([
      '--helmrelease-interval=10m',
      '--helmrelease-retry-interval=10s',
      '--helmrelease-install-timeout=15m',
      '--helmrelease-upgrade-timeout=15m',
      '--helmrelease-max-history=3',
    ]);
    const same = args({ helmRelease: { interval: '5m', retryInterval: '30s', installTimeout: '10m', upgradeTimeout: '10m', maxHistory: 5 } });
    expect(same.filter((a) => a.startsWith('--helmrelease-'))).toEqual([]);
  });
  it('installFlux', () => {
    expect(args({ operator: { installFlux: true } })[1]).toBe('--install-flux=true');
    expect(args({})[1]).toBe('--install-flux=false');
  });
});

describe('operator environment and image', () => {
  it('talos: the KubePrism endpoint', () => {
    expect(container({ operator: { variant: 'talos' } }).env).toEqual(TALOS_ENV);
  });
  it('generic: the given API server host and port (6443 by default)', () => {
    expect(container({ operator: { variant: 'generic', apiServerHost: '10.0.0.10' } }).env).toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.10' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
    ]);
    expect(container({ operator: { variant: 'generic', apiServerHost: '10.0.0.10', apiServerPort: 16443 } }).env).toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.10' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '16443' },
    ]);
  });
  it('hosted: no environment', () => {
    expect(container({ operator: { variant: 'hosted' } }).env).toBeUndefined();
  });
  it('the default variant is the installer default (talos), hosted for isp-hosted; isp-full-generic must name one', () => {
    expect(container({ bundle: Bundle.PAAS_FULL }).env).toEqual(TALOS_ENV);
    expect(container({ bundle: Bundle.PAAS_HOSTED }).env).toBeUndefined();
    expect(container({ bundle: Bundle.PAAS_FULL, variant: 'isp-full-generic', operator: { variant: 'generic', apiServerHost: '10.0.0.10' } }).env).toEqual([
      { name: 'KUBERNETES_SERVICE_HOST', value: '10.0.0.10' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '6443' },
    ]);
    expect(problems(() => operator({ variant: 'isp-full-generic' }))).toEqual([expect.stringMatching(/^operator\.variant \[required\].*isp-full-generic/)]);
  });
  it('image: the given one, else the release of version, else the v1.6.2 image pinned by digest', () => {
    expect(container({ operator: { image: 'registry.example:5000/cozy/cozystack-operator:dev' } }).image).toBe('registry.example:5000/cozy/cozystack-operator:dev');
    expect(container({ version: '1.6.2' }).image).toBe('ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.2');
    expect(container({}).image).toBe(V162_IMAGE);
  });
  it('version: COZYSTACK_VERSION v<version>, first, before the endpoint', () => {
    expect(container({ version: '1.6.2' }).env).toEqual([{ name: 'COZYSTACK_VERSION', value: 'v1.6.2' }, ...TALOS_ENV]);
    expect(container({ version: '1.6.0', operator: { variant: 'hosted' } }).env).toEqual([{ name: 'COZYSTACK_VERSION', value: 'v1.6.0' }]);
    expect(container({}).env!.map((e) => e.name)).not.toContain('COZYSTACK_VERSION');
  });
});

describe('version tracking', () => {
  const configMap = (props: Props) => find(synthPlatform(props).objects, 'ConfigMap', 'cozystack-version', 'cozy-system')!;

  it('the cozystack-version ConfigMap: the data version of the release, no-delete, kept, created only when absent', () => {
    const cm = configMap({});
    expect(cm.metadata.labels).toEqual({ [NO_DELETE]: 'true' });
    expect(cm.metadata.annotations).toEqual({
      'helm.sh/resource-policy': 'keep',
      'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    // migrations.targetVersion of the platform chart at the v1.6.2 tag.
    expect(cm.data).toEqual({ version: '54' });
  });
  // migrations.targetVersion of packages/core/platform/values.yaml at each tag.
  it.each([
    ['1.6.0', '54'],
    ['1.6.2', '54'],
  ])('version %s: data.version %s', (version, expected) => {
    expect(configMap({ version }).data).toEqual({ version: expected });
  });
  it('in both modes', () => {
    expect(configMap({ mode: 'operator', version: '1.6.0' }).data).toEqual({ version: '54' });
  });
  it('a release the library does not pin is an error that lists the pinned ones; migrationsTargetVersion overrides the data version', () => {
    for (const version of ['1.7.0', '1.5.4', '1.0.0']) {
      expect(problems(() => synthPlatform({ version }))).toEqual([expect.stringMatching(new RegExp(`^version \\[unknown-version\\].*'${version.replace(/\./g, '\\.')}'.*0\\.41\\.11, 1\\.6\\.0, 1\\.6\\.2`))]);
    }
    expect(configMap({ version: '1.6.2', migrationsTargetVersion: 60 }).data).toEqual({ version: '60' });
  });
  it('the source follows the version (tag v<version>) unless a ref is given', () => {
    const repos = ofKind(synthPlatform({ version: '1.6.0' }).objects, 'OCIRepository');
    expect(repos.map((r) => spec(r).ref)).toEqual([{ tag: 'v1.6.0' }, { tag: 'v1.6.0' }]);
    const pinned = ofKind(synthPlatform({ version: '1.6.0', source: { ref: { digest: `sha256:${'e'.repeat(64)}` } } }).objects, 'OCIRepository');
    expect(spec(pinned[0]!).ref).toEqual({ digest: `sha256:${'e'.repeat(64)}` });
    expect(args({ version: '1.6.0' })).toContain('--platform-source-ref=tag=v1.6.0');
  });

  /** Files of a synthesized platform. */
  const files = (props: Props): Map<string, string> => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, ...props } as PlatformConstructProps);
    return renderFiles(app);
  };
  const changed = (a: Map<string, string>, b: Map<string, string>): string[] =>
    [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f)).sort();

  // Between the two tags (lib/releases/v1/README.md, from the releases' data): the iaas bundle of
  // v1.6.2 no longer renders cozystack.kubernetes-nodes-application, and sources/velero.yaml changed.
  it('flux mode, 1.6.0 -> 1.6.2 (same data version): the two sources, and what the release data changed', () => {
    expect(changed(files({ version: '1.6.0' }), files({ version: '1.6.2' }))).toEqual([
      'platform/_cluster/packagesource-cozystack.velero.yaml',
      'platform/cozy-system/helmrelease-kubernetes-nodes-rd.yaml',
      'platform/cozy-system/kustomization.yaml',
      'platform/cozy-system/ocirepository-cozystack-packages.yaml',
      'platform/cozy-system/ocirepository-cozystack-platform.yaml',
      'platform/cozy-velero/helmrelease-velero.yaml',
    ]);
  });
  it('operator mode, 1.6.0 -> 1.6.2 (same data version): the operator Deployment, cozystack-packages, and what the release data changed', () => {
    const a = files({ mode: 'operator', version: '1.6.0' });
    const b = files({ mode: 'operator', version: '1.6.2' });
    expect(changed(a, b)).toEqual([
      'platform/_cluster/kustomization.yaml',
      'platform/_cluster/package-cozystack.kubernetes-nodes-application.yaml',
      'platform/_cluster/packagesource-cozystack.velero.yaml',
      'platform/cozy-system/deployment-cozystack-operator.yaml',
      'platform/cozy-system/ocirepository-cozystack-packages.yaml',
    ]);
    expect(b.has('platform/_cluster/package-cozystack.kubernetes-nodes-application.yaml')).toBe(false);
    expect(a.get('platform/cozy-system/deployment-cozystack-operator.yaml')).toContain('value: v1.6.0');
    expect(b.get('platform/cozy-system/deployment-cozystack-operator.yaml')).toContain('image: ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.2\n');
  });
});

describe('deletion guardrail', () => {
  const guardrail = (objects: KubeObject[]) => ({
    policy: find(objects, 'ValidatingAdmissionPolicy', 'cozystack-no-delete-guardrail'),
    binding: find(objects, 'ValidatingAdmissionPolicyBinding', 'cozystack-no-delete-guardrail'),
  });

  it.each(['flux', 'operator'] as const)('%s mode: the policy denies DELETE, its binding selects no-delete objects, both labelled', (mode) => {
    const { objects } = synthPlatform({ mode });
    const { policy, binding } = guardrail(objects);
    expect(policy!.apiVersion).toBe('admissionregistration.k8s.io/v1');
    // The chart's objects, plus Git ownership (lib/renderings/platform-packages.ts): what the guardrail protects is never pruned by Flux.
    const PRUNE = { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } };
    expect(policy!.metadata).toEqual({ name: 'cozystack-no-delete-guardrail', labels: { [NO_DELETE]: 'true' }, ...PRUNE });
    const p = spec<{ matchConstraints: unknown; validations: { expression: string; message: string }[] }>(policy!);
    expect(p.matchConstraints).toEqual({ resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['DELETE'], resources: ['*/*'], scope: '*' }] });
    expect(p.validations).toHaveLength(1);
    expect(p.validations[0]!.expression).toBe('false');
    expect(p.validations[0]!.message).toContain(`${NO_DELETE}-`);
    expect(binding!.metadata).toEqual({ name: 'cozystack-no-delete-guardrail', labels: { [NO_DELETE]: 'true' }, ...PRUNE });
    expect(spec(binding!)).toEqual({
      policyName: 'cozystack-no-delete-guardrail',
      validationActions: ['Deny'],
      matchResources: { objectSelector: { matchLabels: { [NO_DELETE]: 'true' } } },
    });
  });

  it.each(['flux', 'operator'] as const)('%s mode: the protected objects carry the label', (mode) => {
    const { objects } = synthPlatform({ mode });
    const labelled = objects
      .filter((o) => (o.metadata.labels as Record<string, string> | undefined)?.[NO_DELETE] === 'true')
      .map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)
      .sort();
    expect(labelled).toEqual(
      [
        'ConfigMap cozy-system/cozystack-version',
        // tenant-root's Namespace and HelmRelease carry it too, as cozystack-basics renders them on the
        // cluster (packages/system/cozystack-basics/templates/tenant-root.yaml at v1.6.2): not in the output.
        'Namespace /cozy-system',
        'OCIRepository cozy-system/cozystack-packages',
        ...(mode === 'flux' ? ['OCIRepository cozy-system/cozystack-platform'] : []),
        'ValidatingAdmissionPolicy /cozystack-no-delete-guardrail',
        'ValidatingAdmissionPolicyBinding /cozystack-no-delete-guardrail',
      ].sort(),
    );
    // Flux must not prune what the guardrail protects and what another owner takes over.
    for (const r of ofKind(objects, 'OCIRepository')) expect(r.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  it('deletionGuardrail: false leaves the policy out, not the labels', () => {
    const { objects } = synthPlatform({ deletionGuardrail: false });
    expect(guardrail(objects)).toEqual({ policy: undefined, binding: undefined });
    expect(find(objects, 'Namespace', 'cozy-system')!.metadata.labels).toMatchObject({ [NO_DELETE]: 'true' });
  });

  it('the cluster-scoped guardrail objects are laid out under platform/_cluster', () => {
    const app = new App({ outdir: '/nonexistent-never-written' });
    new Platform(app, 'platform', { bundle: Bundle.PAAS_FULL, ...PAAS, mode: 'operator' });
    const paths = [...renderFiles(app).keys()];
    for (const f of [
      'platform/_cluster/validatingadmissionpolicy-cozystack-no-delete-guardrail.yaml',
      'platform/_cluster/validatingadmissionpolicybinding-cozystack-no-delete-guardrail.yaml',
      'platform/_cluster/clusterrolebinding-cozystack.yaml',
      'platform/cozy-system/deployment-cozystack-operator.yaml',
      'platform/cozy-system/serviceaccount-cozystack.yaml',
    ]) {
      expect(paths).toContain(f);
    }
  });
});

describe('bad settings', () => {
  it('operator settings', () => {
    expect(problems(() => operator({ operator: { variant: 'generic' } }))).toEqual([expect.stringMatching(/^operator.apiServerHost \[required\]/)]);
    expect(problems(() => operator({ operator: { variant: 'talos', apiServerHost: '10.0.0.1' } }))).toEqual([expect.stringMatching(/^operator.apiServerHost \[conflicting-setting\].*generic/)]);
    expect(problems(() => operator({ operator: { variant: 'generic', apiServerHost: 'https://10.0.0.1:6443', apiServerPort: 70000 } }))).toEqual([
      expect.stringMatching(/^operator.apiServerHost \[invalid-host\]/),
      expect.stringMatching(/^operator.apiServerPort \[invalid-number\]/),
    ]);
    expect(problems(() => operator({ operator: { variant: 'talso' as never } }))).toEqual([expect.stringMatching(/^operator.variant \[invalid-enum\].*did you mean 'talos'/)]);
    expect(problems(() => operator({ operator: { image: 'Not An Image' } }))).toEqual([expect.stringMatching(/^operator.image \[invalid-image\]/)]);
  });
  it('version', () => {
    expect(problems(() => synthPlatform({ version: 'v1.6.0' }))).toEqual([expect.stringMatching(/^version \[invalid-version\].*without the leading 'v': '1.6.0'/)]);
    expect(problems(() => synthPlatform({ version: 'latest' }))).toEqual([expect.stringMatching(/^version \[invalid-version\]/)]);
    expect(problems(() => synthPlatform({ migrationsTargetVersion: 0 }))).toEqual([expect.stringMatching(/^migrationsTargetVersion \[invalid-number\]/)]);
  });
  it('operator mode: a ref the operator flag cannot carry, a zero duration', () => {
    expect(problems(() => operator({ source: { url: 'oci://registry.example/c', ref: { semver: '>=1.5.0, <1.7.0' } } }))).toEqual([expect.stringMatching(/^source.ref.semver \[invalid-ref\].*comma/)]);
    expect(problems(() => operator({ helmRelease: { retryInterval: '0s' } }))).toEqual([expect.stringMatching(/^helmRelease.retryInterval \[invalid-duration\].*positive/)]);
    // Flux mode has no such limit.
    expect(() => synthPlatform({ source: { url: 'oci://registry.example/c', ref: { semver: '>=1.5.0, <1.7.0' } } })).not.toThrow();
  });
});

describe('Platform document', () => {
  it('its published schema is a valid draft-07 JSON Schema (the command line skips that check at run time)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    expect(ajv.validateSchema(PLATFORM_SCHEMA), ajv.errorsText(ajv.errors)).toBe(true);
    expect(PLATFORM_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });
  const doc = (spec: Record<string, unknown>) => ({ apiVersion: 'cdk8s.cozystack.io/v1alpha1', kind: 'Platform', metadata: { name: 'p' }, spec: { bundle: 'paas-full', ...spec } });
  it('accepts the new settings and passes them to the props', () => {
    const settings = {
      mode: 'operator',
      version: '1.6.0',
      migrationsTargetVersion: 54,
      deletionGuardrail: true,
      operator: { image: 'registry.example/op:v1', variant: 'generic', apiServerHost: '10.0.0.1', apiServerPort: 6443, installFlux: true },
    };
    const { document, problems: p } = parsePlatformDocument(doc(settings), 'platform.yaml#1');
    expect(p).toEqual([]);
    expect(document!.props).toMatchObject(settings);
  });
  it('rejects unknown operator fields and a bad variant', () => {
    const { problems: p } = parsePlatformDocument(doc({ operator: { varient: 'hosted', variant: 'kind' } }), 'platform.yaml#1');
    expect(p.map((x) => `${x.path} [${x.rule}]`).sort()).toEqual(['spec.operator.varient [unknown-field]', 'spec.operator.variant [invalid-enum]'].sort());
  });
});

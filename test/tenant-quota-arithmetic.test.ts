// The quota arithmetic of explicit tenant rendering (lib/renderings/tenant-quota.ts), by the
// documented rule (docs/tenants.md, "Quota arithmetic is exact" and "Quota names"): cpu, memory
// and ephemeral-storage give a limit of the value and a request of the value divided by the
// platform's allocation ratio, cpu rounded up to whole millicores and written in cores (`4` ->
// `0.4`), memory and ephemeral-storage rounded up to whole bytes; `storage` gives
// `requests.storage`; keys that already name a quota entry (`requests.*`, `limits.*`, `count/*`,
// `<class>.storageclass.storage.k8s.io/*`, the bare object counts) pass unchanged and win over
// derived ones; any other resource gives `limits.<name>` and `requests.<name>`.
// The ratios are the cluster values `cpu-allocation-ratio`, `memory-allocation-ratio` and
// `ephemeral-storage-allocation-ratio`, by default 10, 1 and 40 (upstream v1.6.2
// packages/core/platform/values.yaml: cpuAllocationRatio 10, memoryAllocationRatio 1,
// ephemeralStorageAllocationRatio 40).
// Quantities follow the Kubernetes grammar (k8s.io/apimachinery resource.Quantity): binary
// suffixes Ki = 2^10 .. Ei = 2^60, decimal suffixes n = 10^-9, u = 10^-6, m = 10^-3, k = 10^3,
// M = 10^6, G = 10^9, T = 10^12, P = 10^15, E = 10^18, or a decimal exponent.
import { describe, expect, it } from 'vitest';
import { parseQuantity, quotaHard } from '../lib/renderings/tenant-quota.js';

/** `q` equals `num/den` exactly. */
function expectValue(q: string | number, num: bigint, den = 1n): void {
  const r = parseQuantity(q);
  expect(r, `${q} parses`).toBeDefined();
  expect(r!.den > 0n, `${q}: positive denominator`).toBe(true);
  expect(r!.num * den, `${q} = ${num}/${den}`).toBe(num * r!.den);
}

describe('parseQuantity (the Kubernetes quantity grammar)', () => {
  it('reads plain numbers, fractions and signs', () => {
    expectValue('0', 0n);
    expectValue('2', 2n);
    expectValue('1.5', 3n, 2n);
    expectValue('.5', 1n, 2n);
    expectValue('.25', 1n, 4n);
    expectValue('1.25', 5n, 4n);
    expectValue('1.', 1n);
    expectValue('0.125', 1n, 8n);
    expectValue('-1', -1n);
    expectValue('-1.5', -3n, 2n);
    expectValue('+1', 1n);
    expectValue(4, 4n);
    expectValue(0.5, 1n, 2n);
  });

  it('reads every binary suffix as a power of 2', () => {
    const suffixes = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    suffixes.forEach((s, i) => expectValue(`1${s}`, 1n << BigInt(10 * (i + 1))));
    expectValue('8Gi', 8n * 2n ** 30n);
    expectValue('1.5Gi', 3n * 2n ** 29n);
    expectValue('-2Ki', -2048n);
  });

  it('reads every decimal suffix as a power of 10', () => {
    const powers: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
    for (const [s, p] of Object.entries(powers)) {
      if (p >= 0) expectValue(`3${s}`, 3n * 10n ** BigInt(p));
      else expectValue(`3${s}`, 3n, 10n ** BigInt(-p));
    }
    expectValue('500m', 1n, 2n);
    expectValue('2.5k', 2500n);
  });

  it('reads decimal exponents', () => {
    expectValue('1e3', 1000n);
    expectValue('1E3', 1000n);
    expectValue('1e+3', 1000n);
    expectValue('1e-3', 1n, 1000n);
    expectValue('2.5e2', 250n);
    expectValue('1e0', 1n);
    expectValue('1e12', 10n ** 12n);
    expectValue('2e-12', 2n, 10n ** 12n);
  });

  it.each(['', 'x', '1K', '1ki', '1Gb', 'Gi', 'e3', '1e', '1.2.3', '1 ', ' 1', '--1', '1mm', '.', 'm'])('refuses %j', (s) => {
    expect(parseQuantity(s)).toBeUndefined();
  });
});

const DEFAULTS = {};

describe('quotaHard', () => {
  it('divides cpu by the default ratio 10 and writes it in cores, rounded up to millicores', () => {
    const cpu = (v: string | number, cluster: Record<string, string> = DEFAULTS): string | undefined => quotaHard({ cpu: v }, cluster)['requests.cpu'];
    expect(cpu('4')).toBe('0.4');
    expect(cpu('0')).toBe('0'); // a quota may be zero
    expect(cpu(0)).toBe('0');
    expect(cpu(4)).toBe('0.4');
    expect(cpu('10')).toBe('1');
    expect(cpu('25')).toBe('2.5');
    expect(cpu('100')).toBe('10');
    expect(cpu('1')).toBe('0.1');
    expect(cpu('500m')).toBe('0.05');
    expect(cpu('1m')).toBe('0.001'); // 0.1m rounds up to 1m
    expect(cpu('1001m')).toBe('0.101'); // 100.1m rounds up to 101m
    expect(cpu('1010m')).toBe('0.101');
    expect(cpu('12345')).toBe('1234.5');
    expect(cpu('3', { 'cpu-allocation-ratio': '1' })).toBe('3');
    expect(cpu('1.05', { 'cpu-allocation-ratio': '1' })).toBe('1.05');
    expect(cpu('1', { 'cpu-allocation-ratio': '3' })).toBe('0.334'); // 333.33m rounds up to 334m
    expect(cpu('2', { 'cpu-allocation-ratio': '0.5' })).toBe('4');
  });

  it('keeps the limit as given', () => {
    expect(quotaHard({ cpu: '4', memory: '8Gi', 'ephemeral-storage': '1.5Ti' }, DEFAULTS)).toMatchObject({ 'limits.cpu': '4', 'limits.memory': '8Gi', 'limits.ephemeral-storage': '1.5Ti' });
    expect(quotaHard({ cpu: 4 }, DEFAULTS)['limits.cpu']).toBe('4');
  });

  it('divides memory by the default ratio 1 and ephemeral-storage by 40, rounded up to whole bytes', () => {
    expect(quotaHard({ memory: '1Gi' }, DEFAULTS)['requests.memory']).toBe(String(2 ** 30));
    expect(quotaHard({ memory: '1500m' }, DEFAULTS)['requests.memory']).toBe('2'); // 1.5 bytes
    expect(quotaHard({ memory: '1' }, DEFAULTS)['requests.memory']).toBe('1');
    expect(quotaHard({ 'ephemeral-storage': '40' }, DEFAULTS)['requests.ephemeral-storage']).toBe('1');
    expect(quotaHard({ 'ephemeral-storage': '41' }, DEFAULTS)['requests.ephemeral-storage']).toBe('2');
    expect(quotaHard({ 'ephemeral-storage': '80' }, DEFAULTS)['requests.ephemeral-storage']).toBe('2');
    expect(quotaHard({ 'ephemeral-storage': '1Ki' }, DEFAULTS)['requests.ephemeral-storage']).toBe('26'); // 25.6
    expect(quotaHard({ memory: '3' }, { 'memory-allocation-ratio': '2' })['requests.memory']).toBe('2');
    expect(quotaHard({ memory: '4' }, { 'memory-allocation-ratio': '2' })['requests.memory']).toBe('2');
    expect(quotaHard({ memory: '1' }, { 'memory-allocation-ratio': '3' })['requests.memory']).toBe('1');
    expect(quotaHard({ 'ephemeral-storage': '9' }, { 'ephemeral-storage-allocation-ratio': '4' })['requests.ephemeral-storage']).toBe('3');
  });

  it('takes each ratio from its own cluster value, as a string or a number, the default when unset or empty', () => {
    const cluster = { 'cpu-allocation-ratio': '2', 'memory-allocation-ratio': 4, 'ephemeral-storage-allocation-ratio': '8' };
    expect(quotaHard({ cpu: '1', memory: '16', 'ephemeral-storage': '16' }, cluster)).toMatchObject({ 'requests.cpu': '0.5', 'requests.memory': '4', 'requests.ephemeral-storage': '2' });
    const empty = { 'cpu-allocation-ratio': '', 'memory-allocation-ratio': '', 'ephemeral-storage-allocation-ratio': '' };
    expect(quotaHard({ cpu: '1', memory: '16', 'ephemeral-storage': '80' }, empty)).toMatchObject({ 'requests.cpu': '0.1', 'requests.memory': '16', 'requests.ephemeral-storage': '2' });
  });

  it('refuses a ratio that is not a positive number, naming the cluster value', () => {
    for (const bad of ['0', '-1', 'ten', 0, true, ['10']]) {
      expect(() => quotaHard({ cpu: '1' }, { 'cpu-allocation-ratio': bad as string })).toThrow(/cluster value cpu-allocation-ratio must be a positive number/);
    }
    expect(() => quotaHard({ memory: '1' }, { 'memory-allocation-ratio': '0' })).toThrow(/memory-allocation-ratio/);
    expect(() => quotaHard({ 'ephemeral-storage': '1' }, { 'ephemeral-storage-allocation-ratio': '0' })).toThrow(/ephemeral-storage-allocation-ratio/);
    expect(() => quotaHard({ cpu: '1' }, { 'cpu-allocation-ratio': '0' })).toThrow('got "0"');
  });

  it('refuses a value of cpu, memory or ephemeral-storage that is not a quantity, naming it', () => {
    expect(() => quotaHard({ memory: '8GB' }, DEFAULTS)).toThrow("resourceQuotas.memory: '8GB' is not a quantity");
    expect(() => quotaHard({ cpu: 'x' }, DEFAULTS)).toThrow("resourceQuotas.cpu: 'x' is not a quantity");
  });

  it('gives storage only a request, other resources a limit and a request', () => {
    expect(quotaHard({ storage: '10Gi' }, DEFAULTS)).toEqual({ 'requests.storage': '10Gi' });
    expect(quotaHard({ 'nvidia.com/gpu': '1' }, DEFAULTS)).toEqual({ 'limits.nvidia.com/gpu': '1', 'requests.nvidia.com/gpu': '1' });
  });

  it.each(['pods', 'services', 'services.loadbalancers', 'services.nodeports', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas'])(
    'passes the object count %s through unchanged',
    (key) => {
      expect(quotaHard({ [key]: 7 }, DEFAULTS)).toEqual({ [key]: '7' });
    },
  );

  it('passes keys that already name a quota entry through unchanged', () => {
    for (const key of ['requests.cpu', 'limits.memory', 'requests.nvidia.com/gpu', 'count/deployments.apps', 'gold.storageclass.storage.k8s.io/requests.storage', 'gold.storageclass.storage.k8s.io/persistentvolumeclaims']) {
      expect(quotaHard({ [key]: '3' }, DEFAULTS)).toEqual({ [key]: '3' });
    }
    // A prefix or a marker in the middle is not enough.
    expect(quotaHard({ 'xrequests.cpu': '1' }, DEFAULTS)).toEqual({ 'limits.xrequests.cpu': '1', 'requests.xrequests.cpu': '1' });
    expect(quotaHard({ 'my.count/x': '1' }, DEFAULTS)).toEqual({ 'limits.my.count/x': '1', 'requests.my.count/x': '1' });
    expect(quotaHard({ 'x.storageclass.storage.k8s.io': '1' }, DEFAULTS)).toEqual({ 'limits.x.storageclass.storage.k8s.io': '1', 'requests.x.storageclass.storage.k8s.io': '1' });
  });

  it('lets an entry named explicitly win over the derived one, whatever the order of the keys', () => {
    expect(quotaHard({ 'requests.cpu': '2', cpu: '4' }, DEFAULTS)).toEqual({ 'limits.cpu': '4', 'requests.cpu': '2' });
    expect(quotaHard({ cpu: '4', 'requests.cpu': '2' }, DEFAULTS)).toEqual({ 'limits.cpu': '4', 'requests.cpu': '2' });
    expect(quotaHard({ 'requests.storage': '1Gi', storage: '10Gi' }, DEFAULTS)).toEqual({ 'requests.storage': '1Gi' });
  });

  it('writes many keys sorted, whatever their order in', () => {
    const names = Array.from({ length: 70 }, (_, i) => `example.com/r${String(i).padStart(2, '0')}`);
    const shuffled = names.map((n, i) => names[(i * 37) % names.length]!);
    const hard = quotaHard(Object.fromEntries(shuffled.map((n) => [n, 1])), DEFAULTS);
    const expected = [...names.map((n) => `limits.${n}`), ...names.map((n) => `requests.${n}`)];
    expect(Object.keys(hard)).toEqual(expected);
  });

  it('writes the keys sorted', () => {
    const keys = Object.keys(quotaHard({ storage: '1', pods: 1, 'nvidia.com/gpu': 1, cpu: 1, 'count/jobs.batch': 1, memory: 1, 'limits.a': 1 }, DEFAULTS));
    expect(keys).toEqual(['count/jobs.batch', 'limits.a', 'limits.cpu', 'limits.memory', 'limits.nvidia.com/gpu', 'pods', 'requests.cpu', 'requests.memory', 'requests.nvidia.com/gpu', 'requests.storage']);
  });
});

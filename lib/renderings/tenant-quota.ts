import type { Construct } from 'constructs';
import { addObject, GVK } from './objects.js';
import type { Values } from '../core/values.js';
import { QUOTA_BARE_KEYS, type TenantModel } from '../model/tenant-model.js';

/** Allocation ratios of the platform and their defaults (cluster values keys). */
const RATIOS = {
  cpu: ['cpu-allocation-ratio', 10],
  memory: ['memory-allocation-ratio', 1],
  'ephemeral-storage': ['ephemeral-storage-allocation-ratio', 40],
} as const;
type RatioResource = keyof typeof RATIOS;

/** An exact rational number; `den` > 0. */
interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([KMGTPE]i)|([numkMGTPE]?)|[eE]([+-]?\d+))$/;

/** The exact value of a Kubernetes quantity (e.g. `8Gi`, `500m`, `1.5`, `1e3`), or undefined. */
export function parseQuantity(q: string | number): Rational | undefined {
  const m = QUANTITY.exec(typeof q === 'number' ? String(q) : q);
  if (!m) return undefined;
  const [, sign, digits, binary, decimal, exponent] = m;
  const [int, frac = ''] = digits!.split('.');
  let num = BigInt((int || '0') + frac) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(frac.length);
  if (binary) num *= BINARY_SUFFIX[binary]!;
  const e = exponent !== undefined ? Number(exponent) : DECIMAL_SUFFIX[decimal ?? '']!;
  if (e >= 0) num *= 10n ** BigInt(e);
  else den *= 10n ** BigInt(-e);
  return { num, den };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a >= 0n ? (a + b - 1n) / b : -(-a / b);
}

/** `value / ratio` rounded up to a multiple of `unit` (a rational), as a count of units. */
function dividedUnits(value: Rational, ratio: Rational, unit: Rational): bigint {
  // value / ratio / unit = (v.num * r.den * u.den) / (v.den * r.num * u.num)
  return ceilDiv(value.num * ratio.den * unit.den, value.den * ratio.num * unit.num);
}

function formatMillis(millis: bigint): string {
  const sign = millis < 0n ? '-' : '';
  const abs = millis < 0n ? -millis : millis;
  const frac = (abs % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${sign}${abs / 1000n}${frac ? `.${frac}` : ''}`;
}

function ratioOf(cluster: Values, resource: RatioResource): Rational {
  const [key, fallback] = RATIOS[resource];
  const raw = cluster[key];
  const r = raw === undefined || raw === '' ? parseQuantity(fallback) : typeof raw === 'string' || typeof raw === 'number' ? parseQuantity(raw) : undefined;
  if (!r || r.num <= 0n) throw new Error(`cluster value ${key} must be a positive number, got ${JSON.stringify(raw)}`);
  return r;
}

/** Keys that already name a quota entry and are passed through unchanged. */
function isQuotaEntryName(key: string): boolean {
  return QUOTA_BARE_KEYS.has(key) || /^(requests|limits)\./.test(key) || key.startsWith('count/') || key.includes('.storageclass.storage.k8s.io/');
}

/**
 * `spec.hard` of a tenant's ResourceQuota from its `resourceQuotas`. cpu, memory and
 * ephemeral-storage give a limit of the value and a request of the value divided by the platform's
 * allocation ratio (cpu rounded up to millicores and written in cores, e.g. `0.4`; memory and
 * ephemeral-storage rounded up to whole bytes); `storage` gives `requests.storage`; object counts
 * are kept as they are; any other resource gives both `limits.<name>` and `requests.<name>`.
 * Keys come out sorted.
 */
export function quotaHard(quotas: Readonly<Record<string, string | number>>, cluster: Values): Record<string, string> {
  const hard: Record<string, string> = {};
  const explicit: [string, string][] = [];
  for (const [key, raw] of Object.entries(quotas)) {
    const value = String(raw);
    if (key === 'cpu' || key === 'memory' || key === 'ephemeral-storage') {
      const q = parseQuantity(raw);
      if (!q) throw new Error(`resourceQuotas.${key}: '${value}' is not a quantity`);
      const ratio = ratioOf(cluster, key);
      hard[`limits.${key}`] = value;
      hard[`requests.${key}`] =
        key === 'cpu' ? formatMillis(dividedUnits(q, ratio, { num: 1n, den: 1000n })) : dividedUnits(q, ratio, { num: 1n, den: 1n }).toString();
    } else if (key === 'storage') {
      hard['requests.storage'] = value;
    } else if (isQuotaEntryName(key)) {
      explicit.push([key, value]);
    } else {
      hard[`limits.${key}`] = value;
      hard[`requests.${key}`] = value;
    }
  }
  // Entries named explicitly win over derived ones.
  for (const [k, v] of explicit) hard[k] = v;
  return Object.fromEntries(Object.entries(hard).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const LIMIT_RANGE_SPEC = {
  limits: [
    {
      type: 'Container',
      default: { cpu: '250m', memory: '128Mi', 'ephemeral-storage': '2Gi' },
      defaultRequest: { cpu: '25m', memory: '128Mi', 'ephemeral-storage': '50Mi' },
    },
  ],
};

/**
 * Adds the tenant's ResourceQuota `tenant-quota` and LimitRange `tenant-range-limits` when it has
 * resource quotas.
 * @internal
 */
export function addTenantQuota(scope: Construct, t: TenantModel, clusterValues: Values): void {
  const quotas = t.settings.resourceQuotas;
  if (!quotas || Object.keys(quotas).length === 0) return;
  addObject(scope, GVK.ResourceQuota, { name: 'tenant-quota', namespace: t.namespace }, { spec: { hard: quotaHard(quotas, clusterValues) } });
  addObject(scope, GVK.LimitRange, { name: 'tenant-range-limits', namespace: t.namespace }, { spec: LIMIT_RANGE_SPEC });
}

import { formatQuantity, splitStorageClassQuotaKey, type QuantityFormat } from '@corral/policy';
import { UNIT, type Usage } from './usage.js';

const BINARY_RESOURCES = ['memory', 'storage', 'ephemeral-storage'];

/**
 * Memory and storage print with binary suffixes (`1536Mi`), everything else decimal (`1500m`, `40`).
 * A per-StorageClass key prints as its resource (`requests.storage` or `persistentvolumeclaims`).
 */
export function usageKeyFormat(key: string): QuantityFormat {
  const measured = splitStorageClassQuotaKey(key)?.resource ?? key;
  const resource = measured.slice(measured.indexOf('.') + 1);
  return BINARY_RESOURCES.includes(resource) || resource.startsWith('hugepages-') ? 'BinarySI' : 'DecimalSI';
}

/** One amount of `key` as a Kubernetes quantity (`1536Mi`, `1500m`, `1k`): for status and YAML. */
export function formatUsageValue(key: string, nanos: bigint): string {
  return formatQuantity({ nanos, format: usageKeyFormat(key) });
}

/** Binary units, largest first, in nano-units (usage counts bytes in nano-units too). */
const BINARY_UNITS: readonly (readonly [suffix: string, nanos: bigint])[] = [
  ['Ei', 2n ** 60n * UNIT],
  ['Pi', 2n ** 50n * UNIT],
  ['Ti', 2n ** 40n * UNIT],
  ['Gi', 2n ** 30n * UNIT],
  ['Mi', 2n ** 20n * UNIT],
  ['Ki', 2n ** 10n * UNIT],
];

const DECIMALS = 1000n;

/** `nanos / unit`, rounded up to 3 decimals (so an amount over a limit never reads as equal to it). */
function inUnit(nanos: bigint, unit: bigint): string {
  if (nanos < 0n) return `-${inUnit(-nanos, unit)}`;
  const thousandths = (nanos * DECIMALS + unit - 1n) / unit;
  const whole = thousandths / DECIMALS;
  const fraction = (thousandths % DECIMALS).toString().padStart(3, '0').replace(/0+$/, '');
  return fraction === '' ? `${whole}` : `${whole}.${fraction}`;
}

/**
 * Several amounts of one quota key (a total, a limit, a request) written for people, all in one
 * unit so that they compare at a glance: cpu, extended resources and counts in whole units with up
 * to 3 decimals (`1027.5`, `0.25`, `40`); memory and storage in one binary unit with up to 3
 * decimals (`64.125Gi`, `0.125Gi`), the largest unit the first non-zero amount reaches (put the one
 * readers compare against, e.g. the limit, first). Amounts are rounded up at the third decimal.
 */
export function formatUsageAmounts(key: string, amounts: readonly bigint[]): string[] {
  if (usageKeyFormat(key) !== 'BinarySI') return amounts.map((nanos) => inUnit(nanos, UNIT));
  const first = amounts.find((nanos) => nanos !== 0n) ?? 0n;
  const size = first < 0n ? -first : first;
  const [suffix, unit] = BINARY_UNITS.find(([, nanos]) => size >= nanos) ?? ['', UNIT];
  return amounts.map((nanos) => `${inUnit(nanos, unit)}${suffix}`);
}

/** Usage as a Department status `used` map: keys sorted, quantities the way Kubernetes prints them. */
export function formatUsage(usage: Usage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...usage.keys()].sort()) out[key] = formatUsageValue(key, usage.get(key) ?? 0n);
  return out;
}

/** Whole units of one key, rounded up (`pods` → number of pods, `requests.cpu` → cores). */
export function usageUnits(usage: Usage, key: string): bigint {
  const nanos = usage.get(key) ?? 0n;
  return nanos >= 0n ? (nanos + UNIT - 1n) / UNIT : -((-nanos + UNIT - 1n) / UNIT);
}

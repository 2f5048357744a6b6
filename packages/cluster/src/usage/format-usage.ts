import { formatQuantity, type QuantityFormat } from '@corral/policy';
import { UNIT, type Usage } from './usage.js';

const BINARY_RESOURCES = ['memory', 'storage', 'ephemeral-storage'];

/** Memory and storage print with binary suffixes (`1536Mi`), everything else decimal (`1500m`, `40`). */
export function usageKeyFormat(key: string): QuantityFormat {
  const resource = key.slice(key.indexOf('.') + 1);
  return BINARY_RESOURCES.includes(resource) || resource.startsWith('hugepages-') ? 'BinarySI' : 'DecimalSI';
}

export function formatUsageValue(key: string, nanos: bigint): string {
  return formatQuantity({ nanos, format: usageKeyFormat(key) });
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

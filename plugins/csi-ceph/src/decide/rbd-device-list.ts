/** Parses `rbd device list --format json` (krbd and nbd), to find the device of an image. */

export interface MappedDevice {
  readonly pool: string;
  readonly namespace: string;
  readonly image: string;
  readonly device: string;
}

/** Given the command's JSON output, returns the mapped devices (unknown shapes are skipped). */
export function parseDeviceList(text: string): MappedDevice[] {
  let data: unknown;
  try {
    data = JSON.parse(text === '' ? '[]' : text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const r = item as Record<string, unknown>;
    const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
    const device = str('device');
    const image = str('name') || str('image');
    if (!device || !image || (str('snap') !== '' && str('snap') !== '-')) return [];
    return [{ pool: str('pool'), namespace: str('namespace'), image, device }];
  });
}

export function deviceOf(devices: readonly MappedDevice[], image: string): string | undefined {
  return devices.find((d) => d.image === image)?.device;
}

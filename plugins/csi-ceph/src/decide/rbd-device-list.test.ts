import { deviceOf, parseDeviceList } from './rbd-device-list.js';

describe('parseDeviceList', () => {
  it('given krbd/nbd list output, returns image → device, skipping snapshots', () => {
    const text = JSON.stringify([
      { id: '0', pool: 'rbd', namespace: 'fin', name: 'csi-vol-a', snap: '-', device: '/dev/rbd0' },
      { id: '1', pool: 'rbd', namespace: '', name: 'csi-vol-b', snap: 'snap1', device: '/dev/rbd1' },
      { pid: 7, pool: 'rbd', namespace: '', image: 'csi-vol-c', snap: '-', device: '/dev/nbd0' },
    ]);
    const devices = parseDeviceList(text);
    expect(devices).toEqual([
      { pool: 'rbd', namespace: 'fin', image: 'csi-vol-a', device: '/dev/rbd0' },
      { pool: 'rbd', namespace: '', image: 'csi-vol-c', device: '/dev/nbd0' },
    ]);
    expect(deviceOf(devices, 'csi-vol-c')).toBe('/dev/nbd0');
    expect(deviceOf(devices, 'csi-vol-b')).toBeUndefined();
  });

  it.each([
    ['empty output', ''],
    ['not JSON', 'rbd: error'],
    ['an object', '{}'],
  ])('given %s, returns none', (_l, text) => {
    expect(parseDeviceList(text)).toEqual([]);
  });
});

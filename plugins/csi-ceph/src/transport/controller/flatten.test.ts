import type { VolumeRecord } from '../../decide/journal-records.js';
import { recordSource } from './flatten.js';

const record = (source?: string): VolumeRecord => ({
  name: 'pvc-1',
  image: 'csi-vol-1',
  bytes: '8388608',
  fingerprint: 'f',
  state: 'ready',
  ...(source === undefined ? {} : { source }),
});

const UUID = '11111111-2222-4333-8444-555555555555';

describe('recordSource', () => {
  it('given a record of a clone of a volume, returns that volume as the source', () => {
    const id = `v1.c1.rbd..${UUID}`;
    expect(recordSource(record(`volume:${id}`))).toMatchObject({
      kind: 'volume',
      id,
      ref: { clusterID: 'c1', pool: 'rbd', namespace: '', uuid: UUID },
    });
  });

  it('given a record of a clone of a snapshot, returns the snapshot', () => {
    const id = `s1.c1.rbd.ns.${UUID}`;
    expect(recordSource(record(`snapshot:${id}`))).toMatchObject({ kind: 'snapshot', id });
  });

  it.each([
    ['no source', undefined],
    ['an unknown kind', `disk:v1.c1.rbd..${UUID}`],
    ['an ID the driver cannot have issued', 'volume:garbage'],
    ['no separator', 'volume'],
  ])('given %s, returns undefined (nothing to clean up on a source)', (_label, source) => {
    expect(recordSource(record(source))).toBeUndefined();
  });
});

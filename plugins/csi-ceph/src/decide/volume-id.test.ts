import { decodeId, encodeId, isImageOfVolume, MAX_ID_BYTES } from './volume-id.js';

const ref = {
  clusterID: 'ceph-a',
  pool: 'rbd',
  namespace: 'finance',
  uuid: '0f8fad5b-d9cb-469f-a165-70867728950e',
};

describe('encodeId / decodeId', () => {
  it.each([
    ['plain names', ref],
    ['dots and slashes in fields', { ...ref, clusterID: 'a.b/c', pool: 'p.1', namespace: '' }],
    ['unicode', { ...ref, namespace: 'fïnance' }],
  ])('given %s, round-trips', (_label, input) => {
    const id = encodeId('v1', input);
    expect(id.status).toBe('pass');
    if (id.status === 'pass') expect(decodeId('v1', id.value)).toEqual(input);
  });

  it('given fields that make the ID longer than 128 bytes, fails with a message naming the fix', () => {
    const id = encodeId('v1', { ...ref, clusterID: 'c'.repeat(100) });
    expect(id).toMatchObject({ status: 'fail', rule: 'id-length' });
    if (id.status === 'fail') expect(id.message).toMatch(/shorter/);
  });

  it.each([
    ['garbage', 'not-a-volume'],
    ['the wrong kind', 's1.c.rbd..0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['a bad uuid', 'v1.c.rbd..nope'],
    ['an empty cluster', 'v1..rbd..0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['bad escapes', 'v1.%E0.rbd..0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['too long', `v1.${'c'.repeat(MAX_ID_BYTES)}.rbd..0f8fad5b-d9cb-469f-a165-70867728950e`],
  ])('given %s, returns undefined', (_label, id) => {
    expect(decodeId('v1', id)).toBeUndefined();
  });
});

describe('isImageOfVolume', () => {
  it.each([
    ['csi-vol-<uuid>', `csi-vol-${ref.uuid}`, true],
    ['a custom prefix', `pvc.tenant_a-${ref.uuid}`, true],
    ['no prefix', ref.uuid, true],
    ['another volume', 'csi-vol-1b4e28ba-2fa1-11d2-883f-0016d3cca427', false],
    ['a path', `../../${ref.uuid}`, false],
    ['a host file', '../../victim.img', false],
    ['a prefix over 64 characters', `${'p'.repeat(65)}${ref.uuid}`, false],
  ])('given %s, answers %s', (_what, image, expected) => {
    expect(isImageOfVolume(image, ref.uuid)).toBe(expected);
  });
});

describe('decodeId of spellings the driver never issues', () => {
  const uuid = '6f1bfa45-b7b6-4cb3-b1f9-2cdcbd914523';
  it.each([
    ['a percent-escaped cluster', `v1.corral%2Dtest.rbd..${uuid}`],
    ['a percent-escaped pool', `v1.corral-test.%72%62%64..${uuid}`],
    ['a lower-case escape of a dot', `v1.corral-test.a%2eb..${uuid}`],
    ['a NUL byte in the pool', `v1.corral-test.rbd%00x..${uuid}`],
    ['a NUL byte in the namespace', `v1.corral-test.rbd.%00.${uuid}`],
  ])('given %s, returns undefined (another ID for an issued volume)', (_what, id) => {
    expect(decodeId('v1', id)).toBeUndefined();
  });

  it('given an issued ID with an escaped dot, decodes it', () => {
    expect(decodeId('v1', `v1.c.a%2Eb.ns.${uuid}`)).toEqual({
      clusterID: 'c',
      pool: 'a.b',
      namespace: 'ns',
      uuid,
    });
  });
});

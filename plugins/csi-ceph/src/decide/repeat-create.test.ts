import { CSI_ERR } from '../errors.js';
import { MIB } from './capacity.js';
import type { VolumeRecord } from './journal-records.js';
import { grownRecord } from './journal-records.js';
import { paramsFingerprint, type VolumeParams } from './parameters.js';
import { repeatedCreateDecision, sizeCompatible } from './repeat-create.js';

const params: VolumeParams = {
  clusterID: 'c',
  pool: 'rbd',
  features: 1n,
  featureNames: ['layering'],
  fsType: 'ext4',
  parameterFsType: 'ext4',
  volumeNamePrefix: 'csi-vol-',
  mkfsOptions: '',
};

const made: VolumeRecord = {
  name: 'pvc-1',
  image: 'csi-vol-u',
  bytes: String(8n * MIB),
  fingerprint: paramsFingerprint(params),
  state: 'ready',
};
/** `made` after ControllerExpandVolume grew it to 16 MiB. */
const grown = grownRecord(made, 16n * MIB);

const exact = (bytes: bigint) => ({ required_bytes: String(bytes), limit_bytes: String(bytes) });
const request = (range: object | undefined, over: object = {}) => ({
  name: 'pvc-1',
  params,
  range,
  source: undefined,
  ...over,
});

describe('repeatedCreateDecision', () => {
  it.each([
    ['the original exact range, never grown', made, exact(8n * MIB)],
    ['the original exact range, after a growth past its limit', grown, exact(8n * MIB)],
    ['a range the grown size fits', grown, exact(16n * MIB)],
    ['no range, after a growth', grown, undefined],
    ['a range either size fits', grown, { required_bytes: String(4n * MIB) }],
  ])('given %s, passes', (_label, record, range) => {
    expect(repeatedCreateDecision(record, request(range))).toEqual({
      status: 'pass',
      rule: 'create-idempotency',
      value: null,
    });
  });

  it.each([
    ['a range neither size fits', grown, exact(32n * MIB), /with 8388608 bytes, now 16777216, outside/],
    ['a range above the size, never grown', made, exact(64n * MIB), /with 8388608 bytes, outside/],
    [
      'a limit below both sizes',
      grown,
      { required_bytes: '1', limit_bytes: String(4n * MIB) },
      /capacity_range/,
    ],
  ])('given %s, fails NAME_CONFLICT naming the sizes', (_label, record, range, message) => {
    expect(repeatedCreateDecision(record, request(range))).toMatchObject({
      status: 'fail',
      code: CSI_ERR.NAME_CONFLICT,
      message: expect.stringMatching(message),
    });
  });

  it.each([
    ['other parameters', request(undefined, { params: { ...params, fsType: 'xfs' } }), /other parameters/],
    ['a source for an empty volume', request(undefined, { source: 'volume:v1.x' }), /as an empty volume/],
  ])('given %s, fails NAME_CONFLICT saying what differs', (_label, req, message) => {
    expect(repeatedCreateDecision(grown, req)).toMatchObject({
      status: 'fail',
      code: CSI_ERR.NAME_CONFLICT,
      message: expect.stringMatching(message),
    });
  });

  it('given another source than the clone’s, fails naming the recorded one', () => {
    const clone = { ...made, source: 'snapshot:s1.a' };
    expect(repeatedCreateDecision(clone, request(undefined, { source: 'snapshot:s1.b' }))).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('made from snapshot:s1.a'),
    });
    expect(repeatedCreateDecision(clone, request(undefined, { source: 'snapshot:s1.a' })).status).toBe(
      'pass',
    );
  });
});

describe('sizeCompatible', () => {
  it('given a record without createdBytes (never grown, or grown by an older driver), judges its size now', () => {
    expect(sizeCompatible({ bytes: String(16n * MIB) }, exact(8n * MIB))).toBe(false);
    expect(sizeCompatible({ bytes: String(16n * MIB) }, exact(16n * MIB))).toBe(true);
  });
});

describe('grownRecord', () => {
  it('given a first growth, keeps the created size; given a second, still the first one', () => {
    expect(grown).toMatchObject({ bytes: String(16n * MIB), createdBytes: String(8n * MIB) });
    expect(grownRecord(grown, 32n * MIB)).toMatchObject({
      bytes: String(32n * MIB),
      createdBytes: String(8n * MIB),
    });
  });

  it('given the size it has already, returns the record unchanged', () => {
    expect(grownRecord(made, 8n * MIB)).toBe(made);
    expect(grownRecord(made, 8n * MIB)).not.toHaveProperty('createdBytes');
  });
});

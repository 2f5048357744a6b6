import { unconfirmedContext } from './volume-context-check.js';

const ref = {
  clusterID: 'ceph-a',
  pool: 'rbd',
  namespace: 'web',
  uuid: '0f8fad5b-d9cb-469f-a165-70867728950e',
};
const image = `csi-vol-${ref.uuid}`;

describe('unconfirmedContext', () => {
  it.each([
    ['nothing to confirm', {}, {}, undefined],
    [
      "the volume's own parameters and image",
      { clusterID: 'ceph-a', pool: 'rbd' },
      { imageName: image },
      undefined,
    ],
    ['another cluster', { clusterID: 'nope', pool: 'rbd' }, {}, /cluster nope/],
    ['another pool', { clusterID: 'ceph-a', pool: 'other' }, {}, /pool other/],
    ['bad image features', { clusterID: 'ceph-a', pool: 'rbd', imageFeatures: 'bogus' }, {}, /^parameters: /],
    ['another image', {}, { imageName: 'not-this-one' }, /not this volume's image/],
  ])('given %s, answers %s', (_what, parameters, context, expected) => {
    const answer = unconfirmedContext(ref, image, parameters, context);
    if (expected === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(expected);
  });
});

import { status } from '@grpc/grpc-js';
import { CSI_ERR, csiError, grpcStatusFor } from './errors.js';

describe('grpcStatusFor', () => {
  it.each([
    [CSI_ERR.OPERATION_PENDING, 'CreateVolume', status.ABORTED],
    [CSI_ERR.NAME_CONFLICT, 'CreateVolume', status.ALREADY_EXISTS],
    [CSI_ERR.CAPACITY_OUT_OF_RANGE, 'CreateVolume', status.OUT_OF_RANGE],
    [CSI_ERR.QUOTA_EXCEEDED, 'CreateVolume', status.RESOURCE_EXHAUSTED],
    [CSI_ERR.IN_USE, 'DeleteVolume', status.FAILED_PRECONDITION],
    [CSI_ERR.BAD_TOKEN, 'ListVolumes', status.ABORTED],
    [CSI_ERR.CEPH_UNAVAILABLE, 'CreateVolume', status.UNAVAILABLE],
    [CSI_ERR.CLONE_FLATTENING, 'CreateSnapshot', status.ABORTED],
    [CSI_ERR.FLATTEN_STOPPED, 'CreateSnapshot', status.UNAVAILABLE],
    [CSI_ERR.CEPH_UNAVAILABLE, 'Probe', status.FAILED_PRECONDITION],
    [CSI_ERR.DEVICE_NOT_GROWN, 'NodeExpandVolume', status.UNAVAILABLE],
  ])('given %s in %s, returns code %i', (code, rpc, expected) => {
    expect(grpcStatusFor(csiError(code, 'x'), rpc).code).toBe(expected);
  });

  it('given an error outside the catalogue, returns INTERNAL without its message', () => {
    const out = grpcStatusFor(new Error('secret detail'), 'CreateVolume');
    expect(out.code).toBe(status.INTERNAL);
    expect(out.details).not.toContain('secret detail');
  });
});

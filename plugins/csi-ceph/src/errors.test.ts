import { status } from '@grpc/grpc-js';
import { CSI_ERR, csiError, grpcStatusFor, MAX_DETAILS_BYTES } from './errors.js';

describe('grpcStatusFor', () => {
  it.each([
    [CSI_ERR.OPERATION_PENDING, 'CreateVolume', status.ABORTED],
    [CSI_ERR.NAME_CONFLICT, 'CreateVolume', status.ALREADY_EXISTS],
    [CSI_ERR.CAPACITY_OUT_OF_RANGE, 'CreateVolume', status.OUT_OF_RANGE],
    [CSI_ERR.QUOTA_EXCEEDED, 'CreateVolume', status.RESOURCE_EXHAUSTED],
    [CSI_ERR.POOL_FULL, 'CreateSnapshot', status.RESOURCE_EXHAUSTED],
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

  it('given a message echoing a 1 MiB value, returns details of at most 2 KiB that keep the code', () => {
    const out = grpcStatusFor(
      csiError(CSI_ERR.INVALID_ARGUMENT, `unknown "${'é'.repeat(1 << 20)}"`),
      'CreateVolume',
    );
    expect(Buffer.byteLength(out.details)).toBeLessThanOrEqual(MAX_DETAILS_BYTES);
    expect(out.details).toMatch(/^CSI_ERR_INVALID_ARGUMENT: unknown "é+…$/);
  });

  it('given a short message, returns it whole', () => {
    expect(
      grpcStatusFor(csiError(CSI_ERR.NOT_FOUND, 'volume "v" does not exist'), 'DeleteVolume').details,
    ).toBe('CSI_ERR_NOT_FOUND: volume "v" does not exist');
  });
});

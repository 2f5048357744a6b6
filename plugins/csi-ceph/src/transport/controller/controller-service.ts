/** The Controller service: RPC name → handler, and the capabilities it advertises. */
import type { ControllerGetCapabilitiesResponse } from '../../generated/csi/v1/ControllerGetCapabilitiesResponse.js';
import type { _csi_v1_ControllerServiceCapability_RPC_Type as ControllerRpcType } from '../../generated/csi/v1/ControllerServiceCapability.js';
import { CSI_ERR, csiError } from '../../errors.js';
import type { ControllerDeps } from './controller-deps.js';
import { createVolume } from './create-volume.js';
import { deleteVolume } from './delete-volume.js';
import { getCapacity, listVolumes } from './listing.js';
import { createSnapshot, deleteSnapshot, listSnapshots } from './snapshots.js';
import { controllerExpandVolume, validateVolumeCapabilities } from './volume-rpcs.js';
import type { Handler } from '../call-chain.js';

export function controllerCapabilities(deps: ControllerDeps): ControllerGetCapabilitiesResponse {
  const types: ControllerRpcType[] = [
    'CREATE_DELETE_VOLUME',
    'CREATE_DELETE_SNAPSHOT',
    'CLONE_VOLUME',
    'EXPAND_VOLUME',
  ];
  // These answer without secrets (the sidecars send none by default): only with the controller's own
  // credentials (--keyring) can they reach Ceph.
  if (deps.controllerCredentials) types.push('LIST_VOLUMES', 'LIST_SNAPSHOTS', 'GET_CAPACITY');
  return { capabilities: types.map((type) => ({ rpc: { type } })) };
}

const unimplemented = (rpc: string) => async () => {
  throw csiError(CSI_ERR.UNIMPLEMENTED, `${rpc} is not served: RBD volumes need no controller publish`);
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function controllerHandlers(deps: ControllerDeps): Record<string, Handler<any, unknown>> {
  return {
    CreateVolume: (req, ctx) => createVolume(req, ctx, deps),
    DeleteVolume: (req) => deleteVolume(req, deps),
    ControllerPublishVolume: unimplemented('ControllerPublishVolume'),
    ControllerUnpublishVolume: unimplemented('ControllerUnpublishVolume'),
    ValidateVolumeCapabilities: (req) => validateVolumeCapabilities(req, deps),
    ListVolumes: (req) => listVolumes(req, deps),
    GetCapacity: (req) => getCapacity(req, deps),
    ControllerGetCapabilities: async () => controllerCapabilities(deps),
    CreateSnapshot: (req, ctx) => createSnapshot(req, deps, ctx.endSignal),
    DeleteSnapshot: (req) => deleteSnapshot(req, deps),
    ListSnapshots: (req) => listSnapshots(req, deps),
    ControllerExpandVolume: (req) => controllerExpandVolume(req, deps),
  };
}

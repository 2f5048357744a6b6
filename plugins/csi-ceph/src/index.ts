/**
 * @corral/csi-ceph: the Corral CSI driver for Ceph RBD (driver `rbd.csi.corral.dev`), built in issue #6.
 * `commands.csi` is what `corral csi --role controller|node ...` runs.
 */
export const SERVICE_STATUS = { built: true, issue: 6, name: 'CSI driver' } as const;

export { commands } from './commands/index.js';

export { csiCommand, type CliIo, type CsiRunOptions } from './commands/csi-command.js';
export { CSI_DEFAULTS, CSI_FLAGS, DRIVER_NAME, loadCsiConfig, type CsiConfig } from './config.js';
export { CSI_ERR, CsiError, grpcStatusFor, isCsiError, type CsiErrorCode } from './errors.js';
export { startDriver, type DriverOptions, type RunningDriver } from './start-driver.js';
export { loadCsi } from './transport/load-csi.js';
export { PROTO_LOADER_OPTIONS, CSI_PROTO_PATH } from './transport/proto-options.js';
export { decodeId, encodeId, type VolumeRef } from './decide/volume-id.js';

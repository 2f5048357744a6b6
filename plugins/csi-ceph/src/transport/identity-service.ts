/** The CSI Identity service: plugin name and version, capabilities, Probe. */
import { DRIVER_NAME } from '../config.js';
import type { GetPluginCapabilitiesResponse } from '../generated/csi/v1/GetPluginCapabilitiesResponse.js';
import type { GetPluginInfoResponse } from '../generated/csi/v1/GetPluginInfoResponse.js';
import type { ProbeResponse } from '../generated/csi/v1/ProbeResponse.js';

export const VENDOR_VERSION = '0.1.0';

export interface IdentityDeps {
  readonly role: 'controller' | 'node';
  /** Resolves when the driver can serve; throws (e.g. CSI_ERR_CEPH_UNAVAILABLE) when it cannot. */
  readonly probe: () => Promise<void>;
  /** The driver reports node topology (VOLUME_ACCESSIBILITY_CONSTRAINTS). */
  readonly topology?: boolean;
}

export function identityHandlers(deps: IdentityDeps) {
  return {
    GetPluginInfo: async (): Promise<GetPluginInfoResponse> => ({
      name: DRIVER_NAME,
      vendor_version: VENDOR_VERSION,
      manifest: { role: deps.role },
    }),
    GetPluginCapabilities: async (): Promise<GetPluginCapabilitiesResponse> => ({
      capabilities: [
        { service: { type: 'CONTROLLER_SERVICE' } },
        // ONLINE: ControllerExpandVolume grows in-use images, and NodeExpandVolume grows published
        // filesystems (an ext4 needs CAP_SYS_RESOURCE on the node: else FAILED_PRECONDITION, and it
        // grows at the next stage). OFFLINE would oblige the controller to refuse in-use volumes.
        { volume_expansion: { type: 'ONLINE' } },
        ...(deps.topology ? [{ service: { type: 'VOLUME_ACCESSIBILITY_CONSTRAINTS' as const } }] : []),
      ],
    }),
    Probe: async (): Promise<ProbeResponse> => {
      await deps.probe();
      return { ready: { value: true } };
    },
  };
}

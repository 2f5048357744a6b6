/** The Node service: RPC name → handler, and its capabilities. */
import type { _csi_v1_NodeServiceCapability_RPC_Type as NodeRpcType } from '../../generated/csi/v1/NodeServiceCapability.js';
import type { NodeGetCapabilitiesResponse } from '../../generated/csi/v1/NodeGetCapabilitiesResponse.js';
import type { NodeGetInfoResponse } from '../../generated/csi/v1/NodeGetInfoResponse.js';
import type { Handler } from '../call-chain.js';
import type { NodeDeps } from './node-deps.js';
import { nodePublishVolume, nodeUnpublishVolume } from './publish.js';
import { nodeStageVolume, nodeUnstageVolume } from './stage.js';
import { nodeExpandVolume } from './stats-expand.js';
import { nodeGetVolumeStats } from './volume-stats.js';

export function nodeCapabilities(): NodeGetCapabilitiesResponse {
  const types: NodeRpcType[] = [
    'STAGE_UNSTAGE_VOLUME',
    'GET_VOLUME_STATS',
    'EXPAND_VOLUME',
    'VOLUME_CONDITION',
  ];
  return { capabilities: types.map((type) => ({ rpc: { type } })) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function nodeHandlers(deps: NodeDeps): Record<string, Handler<any, unknown>> {
  return {
    NodeStageVolume: (req) => nodeStageVolume(req, deps),
    NodeUnstageVolume: (req) => nodeUnstageVolume(req, deps),
    NodePublishVolume: (req) => nodePublishVolume(req, deps),
    NodeUnpublishVolume: (req) => nodeUnpublishVolume(req, deps),
    NodeGetVolumeStats: (req) => nodeGetVolumeStats(req, deps),
    NodeExpandVolume: (req) => nodeExpandVolume(req, deps),
    NodeGetCapabilities: async () => nodeCapabilities(),
    NodeGetInfo: async (): Promise<NodeGetInfoResponse> => ({
      node_id: deps.config.nodeId ?? '',
      max_volumes_per_node: String(deps.config.maxVolumesPerNode),
      ...(deps.topology && Object.keys(deps.topology).length > 0
        ? { accessible_topology: { segments: { ...deps.topology } } }
        : {}),
    }),
  };
}

/** Loads proto/csi.proto at runtime with the shared options; typed by the generated `ProtoGrpcType`. */
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../generated/csi.js';
import { CSI_PROTO_PATH, PROTO_LOADER_OPTIONS } from './proto-options.js';

let cached: ProtoGrpcType | undefined;

export function loadCsi(): ProtoGrpcType {
  cached ??= loadPackageDefinition(
    loadSync(CSI_PROTO_PATH, PROTO_LOADER_OPTIONS),
  ) as unknown as ProtoGrpcType;
  return cached;
}

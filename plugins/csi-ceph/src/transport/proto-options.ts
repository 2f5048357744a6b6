/**
 * The one proto-loader options object, shared by the runtime loader and by `proto-loader-gen-types`
 * (STYLE.md #11): the generated types describe exactly what the loader hands the handlers.
 *
 * - `keepCase`: field names as the CSI spec spells them (`volume_id`, not `volumeId`).
 * - `longs: String`: CSI sizes are int64 and may exceed 2^53; strings keep them exact and the
 *   handlers convert with `BigInt`.
 * - `enums: String`, `defaults`, `oneofs`: readable enums, every field present, and the virtual oneof
 *   property (`access_type: 'mount' | 'block'`).
 */
import { fileURLToPath } from 'node:url';

export const PROTO_LOADER_OPTIONS = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** `proto/csi.proto` at the repository root (src/transport and dist/transport sit at the same depth). */
export const CSI_PROTO_PATH = fileURLToPath(new URL('../../../../proto/csi.proto', import.meta.url));

/** The repository root, the generator's working directory (generated headers name `proto/csi.proto`). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Command-line flags of `proto-loader-gen-types` equivalent to PROTO_LOADER_OPTIONS. */
export function genTypesFlags(outDir: string): string[] {
  const o = PROTO_LOADER_OPTIONS;
  const flags = [`--longs=${o.longs.name}`, `--enums=${o.enums.name}`];
  if (o.keepCase) flags.push('--keepCase');
  if (o.defaults) flags.push('--defaults');
  if (o.oneofs) flags.push('--oneofs');
  return [
    ...flags,
    '--grpcLib=@grpc/grpc-js',
    '--importFileExtension=.js',
    `--outDir=${outDir}`,
    'proto/csi.proto',
  ];
}

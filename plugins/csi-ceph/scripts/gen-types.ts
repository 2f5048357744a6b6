// Regenerates plugins/csi-ceph/src/generated from proto/csi.proto: npx tsx plugins/csi-ceph/scripts/gen-types.ts
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateCsiTypes } from '../src/transport/codegen.js';

const out = fileURLToPath(new URL('../src/generated/', import.meta.url));
await rm(out, { recursive: true, force: true });
await generateCsiTypes(out);

/**
 * Writes deploy/crds/ from the TypeBox schemas: `npx tsx packages/policy/scripts/gen-crds.ts`
 * (or `make gen`). crd-drift.test.ts fails when the committed files differ from what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_DIRECTORY, renderCrdFiles } from '../src/crd/index.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const directory = join(repositoryRoot, CRD_DIRECTORY);

mkdirSync(directory, { recursive: true });
for (const file of renderCrdFiles()) {
  writeFileSync(join(directory, file.name), file.content);
  console.log(`wrote ${join(CRD_DIRECTORY, file.name)}`);
}

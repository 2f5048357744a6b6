/**
 * Regenerates the CSI TypeScript types with `proto-loader-gen-types` (`src/generated/`, committed),
 * then formats them with the repository's prettier config so that `prettier --check` and the drift
 * test agree. `npx tsx plugins/csi-ceph/scripts/gen-types.ts` writes them; the drift test writes them
 * to a temp dir and compares. Development-only: prettier is imported on demand.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, genTypesFlags } from './proto-options.js';

const run = promisify(execFile);

/** Path of the generator's CLI script, resolved from @grpc/proto-loader's package. */
function generatorScript(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@grpc/proto-loader/package.json');
  return join(dirname(pkg), 'build', 'bin', 'proto-loader-gen-types.js');
}

async function formatTree(outDir: string): Promise<void> {
  const prettier = await import('prettier');
  // Resolve the options as for a file in src/generated, wherever outDir is.
  const options = await prettier.resolveConfig(join(REPO_ROOT, 'plugins/csi-ceph/src/generated/csi.ts'));
  for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'utf8');
    await writeFile(path, await prettier.format(text, { ...options, parser: 'typescript' }));
  }
}

export async function generateCsiTypes(outDir: string): Promise<void> {
  await run(process.execPath, [generatorScript(), ...genTypesFlags(outDir)], { cwd: REPO_ROOT });
  await formatTree(outDir);
}

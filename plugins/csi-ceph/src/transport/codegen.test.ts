// The committed src/generated must be exactly what proto-loader-gen-types makes from proto/csi.proto
// with the shared options: regenerate into a temp dir and compare every file.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCsiTypes } from './codegen.js';
import { PROTO_LOADER_OPTIONS, genTypesFlags } from './proto-options.js';

const committed = fileURLToPath(new URL('../generated/', import.meta.url));

async function tree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(root, path), await readFile(path, 'utf8'));
  }
  return files;
}

describe('generated CSI types', () => {
  it('given the proto and the shared options, regenerating changes nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'csi-gen-'));
    try {
      await generateCsiTypes(out);
      const fresh = await tree(out);
      const kept = await tree(committed);
      expect([...kept.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [path, text] of fresh) expect(kept.get(path), path).toBe(text);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('given the loader options, passes the same choices to the generator', () => {
    const flags = genTypesFlags('/tmp/x');
    expect(PROTO_LOADER_OPTIONS).toMatchObject({ keepCase: true, defaults: true, oneofs: true });
    expect(flags).toEqual(
      expect.arrayContaining(['--keepCase', '--longs=String', '--enums=String', '--defaults', '--oneofs']),
    );
  });
});

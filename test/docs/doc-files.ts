/**
 * The documentation test/docs holds to the code: the READMEs an admin or a developer reads first,
 * every page under docs/ and every ADR. Paths are relative to the repository's root.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

const TOP_LEVEL = ['README.md', 'deploy/README.md', 'demo/README.md', 'examples/README.md'];

const markdownIn = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `${dir}/${name}`);

/** Every documentation file test/docs checks. */
export function documentationFiles(): string[] {
  return [...TOP_LEVEL, ...markdownIn('docs'), ...markdownIn('docs/adr')];
}

/** A file of the repository as text. */
export const readText = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

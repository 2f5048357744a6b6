// What the documentation points at still exists: every source file it names in backticks (`decide/fs-type.ts`,
// `effects/journal.ts`, …: files get split and renamed, and the page keeps the old name), and every
// relative link, with its #anchor, between the pages.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { documentationFiles, readText, ROOT } from './doc-files.js';

/** Directories whose files the documentation never names: installed, built, or git's own. */
const SKIPPED = new Set(['node_modules', 'dist', '.git']);

/** The repository's files, relative to its root. */
function repositoryFiles(dir = ''): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : repositoryFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

const tracked: readonly string[] = repositoryFiles();

/**
 * Backticked repository paths in a text: a `.ts` file (`envelope.ts`, `decide/fs-type.ts`), or a
 * path with a directory ending in `.yaml`, `.json`, `.sh` or `.proto`. A bare `x.json` may be a file
 * the code writes at run time, not one in the repository.
 */
function namedFiles(text: string): string[] {
  const names = [...text.matchAll(/`([\w.-]+(?:\/[\w.-]+)*\.(?:ts|yaml|json|sh|proto))`/g)].map(
    (match) => match[1] as string,
  );
  return [...new Set(names.filter((name) => name.endsWith('.ts') || name.includes('/')))];
}

/** Is `name` a tracked file, or the tail (after a `/`) of one? */
const exists = (name: string): boolean => tracked.some((file) => file === name || file.endsWith(`/${name}`));

/** Relative links of a markdown text: `[text](target)`, web and mail addresses left out. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

/** GitHub's anchors of a markdown text's headings: lower case, punctuation dropped, spaces as `-`. */
function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*?)\s*#*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

describe('the reference helpers', () => {
  it('given backticked names, returns .ts files and paths with a directory, not bare data files', () => {
    const text =
      'see `decide/fs-type.ts`, `envelope.ts`, `deploy/csi-ceph/config.yaml`, `corral-volume.json`, `rbd`';
    expect(namedFiles(text)).toEqual(['decide/fs-type.ts', 'envelope.ts', 'deploy/csi-ceph/config.yaml']);
  });

  it('given links, returns the relative ones', () => {
    expect(relativeLinks('[a](adr/0009-x.md#resizes) [b](https://example.com) [c](#warnings)')).toEqual([
      'adr/0009-x.md#resizes',
      '#warnings',
    ]);
  });

  it('given headings, returns their anchors as GitHub makes them (repeats numbered, code fences skipped)', () => {
    const text =
      '## Volume expansion (ONLINE)\n## Errors (spec codes)\n```\n# not a heading\n```\n## Errors (spec codes)';
    expect([...headingAnchors(text)]).toEqual([
      'volume-expansion-online',
      'errors-spec-codes',
      'errors-spec-codes-1',
    ]);
  });
});

describe('what the documentation points at', () => {
  const files = documentationFiles();

  it('given the documentation, finds file names and links to check', () => {
    expect(files.flatMap((file) => namedFiles(readText(file))).length).toBeGreaterThan(50);
    expect(files.flatMap((file) => relativeLinks(readText(file))).length).toBeGreaterThan(20);
  });

  it.each(files)('given the files %s names in backticks, each is in the repository', (file) => {
    expect(namedFiles(readText(file)).filter((name) => !exists(name))).toEqual([]);
  });

  it.each(files)('given the relative links of %s, each target and #anchor exists', (file) => {
    const broken = relativeLinks(readText(file)).filter((link) => {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), path);
      if (!existsSync(target) || relative(ROOT, target).startsWith('..')) return true;
      if (anchor === undefined || !statSync(target).isFile() || !target.endsWith('.md')) return false;
      return !headingAnchors(readText(relative(ROOT, target))).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});

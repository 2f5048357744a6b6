// The install instructions an admin follows (README.md, docs/admin-guide.md, deploy/README.md) held to
// the files present: every `kubectl apply|delete -k DIR` renders, every deploy/ path exists, every
// Deployment `rollout status` waits for is installed, every flag the admin guide's "What to edit
// first" table tells an admin to edit is in the file it names, and every `no matches for kind "X"`
// error the docs explain names a kind an install really applies.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseYamlDocuments, renderKustomization } from './kustomize.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = ['README.md', 'docs/admin-guide.md', 'deploy/README.md'];
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');

const unique = <T>(items: readonly T[]) => [...new Set(items)];
const matches = (pattern: RegExp) =>
  unique(DOCS.flatMap((file) => [...text(file).matchAll(pattern)].map((m) => m[1] as string)));

/** The directories of `kubectl apply -k` and `kubectl delete -k` commands. */
const kustomizeDirs = matches(/kubectl (?:apply|delete) -k (deploy\/[\w./-]+)/g);
/** `deploy/...` paths, except `deploy/NAME` resource references in kubectl commands. */
const deployPaths = matches(/(deploy\/[\w./-]*[\w/])/g).filter((p) => !/^deploy\/corral-/.test(p));
/**
 * Workloads (`deploy/NAME`, `ds/NAME`) a `for w in …; do kubectl -n corral-system rollout status "$w";
 * done` loop waits for (one per call: kubectl refuses several at once).
 */
const rolledOut = unique(
  DOCS.flatMap((file) =>
    [
      ...text(file).matchAll(
        /for \w+ in ((?:(?:deploy|ds)\/[\w-]+[\s\\]*)+); do kubectl -n corral-system rollout status "\$\w+"; done/g,
      ),
    ].flatMap((m) => (m[1] as string).split(/[\s\\]+/).filter(Boolean)),
  ),
);

/** Rows `| part | \`deploy/…\` | edit |` of the admin guide's "What to edit first" table: file → flags. */
function editTable(): { file: string; flags: string[] }[] {
  return text('docs/admin-guide.md')
    .split('\n')
    .map((line) => /^\| [^|]+ \| `(deploy\/[^`]+)` \| (.+) \|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      file: m[1] as string,
      flags: unique([...(m[2] as string).matchAll(/`(--[a-z][a-z-]*)/g)].map((f) => f[1] as string)),
    }));
}

interface Container {
  command?: string[];
  args?: string[];
  env?: { value?: string }[];
}

/** What the containers of a manifest file are started with: command, args, and env values' words. */
function commandLineTokens(file: string): string[] {
  return parseYamlDocuments(text(file), file).flatMap((doc) => {
    const spec = (doc as { spec?: { template?: { spec?: { containers?: Container[] } } } }).spec?.template
      ?.spec;
    return (spec?.containers ?? []).flatMap((c) => [
      ...(c.command ?? []),
      ...(c.args ?? []),
      ...(c.env ?? []).flatMap((e) => (e.value ?? '').split(/\s+/)),
    ]);
  });
}

describe('the install instructions', () => {
  it('given the docs, finds the commands and paths to check', () => {
    expect(kustomizeDirs).toEqual(expect.arrayContaining(['deploy/default', 'deploy/crds']));
    expect(deployPaths.length).toBeGreaterThan(10);
    expect(rolledOut.length).toBeGreaterThanOrEqual(4);
    expect(editTable().length).toBeGreaterThanOrEqual(6);
  });

  it.each(kustomizeDirs)('given `kubectl apply -k %s`, the directory renders', (dir) => {
    expect(renderKustomization(join(ROOT, dir)).length).toBeGreaterThan(0);
  });

  it('given every deploy/ path the docs name, it exists', () => {
    expect(deployPaths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('given `kubectl rollout status`, waits for workloads the default install has, one per call', () => {
    const installed = renderKustomization(join(ROOT, 'deploy/default'))
      .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
      .map((o) => `${o.kind === 'Deployment' ? 'deploy' : 'ds'}/${o.metadata.name}`);
    expect(rolledOut.filter((ref) => !installed.includes(ref))).toEqual([]);
    // Several resources in one `rollout status` call fail ("only supported on individual resources").
    const several = DOCS.filter((file) =>
      /rollout status (?:deploy|ds)\/[\w-]+ (?:deploy|ds)\//.test(text(file)),
    );
    expect(several).toEqual([]);
  });

  it.each(editTable().filter((row) => row.flags.length > 0))(
    'given the row for $file, every flag it says to edit is set there',
    ({ file, flags }) => {
      const given = commandLineTokens(file);
      expect(flags.filter((flag) => !given.some((t) => t === flag || t.startsWith(`${flag}=`)))).toEqual([]);
    },
  );
});

describe('the install errors the docs explain', () => {
  const INSTALLS = [
    'deploy/default',
    'deploy/overlays/with-cert-manager',
    'deploy/overlays/second-scheduler',
  ];
  const applied = new Set(INSTALLS.flatMap((dir) => renderKustomization(join(ROOT, dir)).map((o) => o.kind)));
  /** The kinds quoted in each sentence that mentions a `no matches for kind` error. */
  const named = unique(
    DOCS.flatMap((file) =>
      [...text(file).matchAll(/no matches\s+for\s+kind[^.]*\./g)].flatMap((sentence) =>
        [...sentence[0].matchAll(/"([A-Z]\w+)"/g)].map((m) => m[1] as string),
      ),
    ),
  );

  it('given `no matches for kind "X"`, X is a kind an install applies (an error the admin can meet)', () => {
    expect(named).toEqual(expect.arrayContaining(['VolumeSnapshotClass', 'Issuer']));
    expect(named.filter((kind) => !applied.has(kind))).toEqual([]);
  });
});

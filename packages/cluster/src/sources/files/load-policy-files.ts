import type { PolicyProblem } from '@corral/policy';
import type { PolicyChecks } from '../../store/policy-checks.js';
import { DEFAULT_POLICY_CHECKS } from '../../store/default-policy-checks.js';
import { DEFAULT_GPU_RESOURCES } from '../../views/view-options.js';
import { classifyDocument, type SourcedObject } from './classify-documents.js';
import { checkObjects, emptyByKind, type ObjectsByKind } from './check-objects.js';
import { listPolicyFiles, fingerprint, type FoundFile } from './list-files.js';
import { parseDocuments } from './parse-documents.js';
import {
  MAX_FILE_BYTES,
  MAX_TOTAL_BYTES,
  mebibytes,
  readPolicyFile,
  tooBig,
  type ReadRefusal,
} from './read-policy-file.js';

export interface LoadedObjects {
  /** Raw objects by kind, in file order. */
  readonly objects: ObjectsByKind;
  /** Every problem found; the objects are only fit to apply when this is empty. */
  readonly problems: readonly PolicyProblem[];
  /** What was skipped on purpose (kustomize's files), one line each, for the caller to log. */
  readonly notes: readonly string[];
  /** Changes whenever a file under the path changes. */
  readonly fingerprint: string;
}

export interface LoadOptions {
  readonly policyChecks?: PolicyChecks;
  readonly gpuResources?: readonly string[];
  /** The most one file may hold (default MAX_FILE_BYTES, 16 MiB). */
  readonly maxFileBytes?: number;
  /** The most all files together may hold (default MAX_TOTAL_BYTES, 64 MiB). */
  readonly maxTotalBytes?: number;
}

/**
 * Reads a YAML/JSON file or a folder of them (recursively, sorted), as `kubectl apply` reads them:
 * multi-document files, `kind: List` and typed lists, each object one of the six watched kinds,
 * then checked as the snapshot will check it. kustomize's files are skipped with a note; a file
 * over the size limits, or no regular file, is a problem, and so is one that vanished between
 * listing and reading (the folder changed under the load: the next reload reads it whole). Never
 * throws for bad content: everything wrong comes back in `problems`.
 */
export async function loadPolicyFiles(path: string, options: LoadOptions = {}): Promise<LoadedObjects> {
  let files: FoundFile[];
  try {
    files = await listPolicyFiles(path);
  } catch (error) {
    const message = `cannot read: ${error instanceof Error ? error.message : String(error)}`;
    return { objects: emptyByKind(), problems: [fileProblem(path, message)], notes: [], fingerprint: '' };
  }
  const read = await readFiles(files, options);
  const checked = checkObjects(read.objects, options.policyChecks ?? DEFAULT_POLICY_CHECKS, {
    gpuResources: options.gpuResources ?? DEFAULT_GPU_RESOURCES,
  });
  return {
    objects: checked.objects,
    problems: [...read.problems, ...checked.problems],
    notes: read.notes,
    fingerprint: fingerprint(files),
  };
}

async function readFiles(
  files: readonly FoundFile[],
  options: LoadOptions,
): Promise<{ objects: SourcedObject[]; problems: PolicyProblem[]; notes: string[] }> {
  const maxTotal = options.maxTotalBytes ?? MAX_TOTAL_BYTES;
  const objects: SourcedObject[] = [];
  const problems: PolicyProblem[] = [];
  const notes: string[] = [];
  let total = 0;
  for (const file of files) {
    if (file.kustomization) {
      notes.push(`${file.path}: skipped, a kustomization is not policy (Corral reads the files as they are)`);
      continue;
    }
    const maxFile = options.maxFileBytes ?? MAX_FILE_BYTES;
    const read = await readPolicyFile(file.path, Math.min(maxFile, maxTotal - total));
    if (!read.ok) {
      problems.push(fileProblem(file.path, refusedMessage(file, read, { maxFile, maxTotal, total })));
      continue;
    }
    total += read.bytes;
    const parsed = parseDocuments(file.path, read.text);
    problems.push(...parsed.problems);
    for (const document of parsed.documents) {
      const classified = classifyDocument(document);
      objects.push(...classified.objects);
      problems.push(...classified.problems);
      notes.push(...classified.notes);
    }
  }
  return { objects, problems, notes };
}

function refusedMessage(
  file: FoundFile,
  read: { reason: ReadRefusal; message: string; bytes?: number },
  sizes: { maxFile: number; maxTotal: number; total: number },
): string {
  if (read.reason === 'too-big') {
    const bytes = read.bytes ?? 0;
    // Within the limit for one file, but not within what the files before it left of the total.
    return bytes > sizes.maxFile ? tooBig(bytes, sizes.maxFile) : totalMessage(sizes.maxTotal, sizes.total);
  }
  // Listed a moment ago (a broken symlink is listed as unreadable): the folder changed under the load.
  if (read.reason === 'missing' && file.stamp !== 'unreadable')
    return 'vanished between listing and reading (the folder changed during the load); it is read again at the next change';
  return read.message;
}

function totalMessage(maxTotal: number, total: number): string {
  return `would take the policy files over their total limit of ${mebibytes(maxTotal)} (${mebibytes(total)} read before it); load fewer or smaller files`;
}

function fileProblem(path: string, message: string): PolicyProblem {
  return { source: path, kind: '(file)', name: path, field: '', message };
}

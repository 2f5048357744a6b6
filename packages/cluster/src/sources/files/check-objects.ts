import {
  unusableDefaultProblems,
  type Department,
  type NamespacePolicy,
  type PolicyProblem,
} from '@corral/policy';
import { WATCHED_KINDS, type WatchedKind } from '../../sink.js';
import type { NamespaceInfo, PolicyChecks } from '../../store/policy-checks.js';
import { objectKey, readRef, refKey, unnamedProblem } from '../../views/object-ref.js';
import { toPlainJson } from '../../views/raw.js';
import { isCoreKind, toView } from '../../views/to-view.js';
import type { ViewOptions } from '../../views/view-options.js';
import type { SourcedObject } from './classify-documents.js';
import { nonStringMetadata } from './metadata-strings.js';

export type ObjectsByKind = Record<WatchedKind, unknown[]>;

/**
 * Checks every object the way the snapshot will read it (views for core kinds, the policy
 * package's validation for policy kinds, and, as the admission webhook does on write, defaults no
 * pod could take), flags objects defined twice, then runs the cross-object
 * checks over the valid policies: every problem at once, each with its file and document.
 */
export function checkObjects(
  objects: readonly SourcedObject[],
  checks: PolicyChecks,
  options: ViewOptions,
): { objects: ObjectsByKind; problems: PolicyProblem[] } {
  const byKind = emptyByKind();
  const problems: PolicyProblem[] = [];
  const seen = new Map<string, string>();
  const departments: Department[] = [];
  const policies: NamespacePolicy[] = [];
  const namespaces: NamespaceInfo[] = [];
  for (const { kind, item, source } of objects) {
    const ref = readRef(kind, item);
    if (!ref) {
      problems.push(unnamedProblem(kind, source));
      continue;
    }
    const id = `${kind}:${refKey(ref)}`;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ ...ref, source, field: '/metadata/name', message: `defined twice; first in ${first}` });
      continue;
    }
    seen.set(id, source);
    byKind[kind].push(item);
    problems.push(...nonStringMetadata(item, ref, source));
    const found = checkOne(kind, item, source, checks, options);
    if (!found.ok) problems.push(...found.problems);
    else if (found.department) departments.push(found.department);
    else if (found.policy) {
      policies.push(found.policy);
      // Defaults no pod could take: the webhook refuses them on write, so the files must not pass them.
      problems.push(...unusableDefaultProblems(found.policy, source));
    } else if (found.namespace) namespaces.push(found.namespace);
  }
  const crossProblems = checks.checkPolicySet({ departments, policies, namespaces });
  problems.push(...crossProblems.map((problem) => withSource(problem, seen)));
  return { objects: byKind, problems };
}

/** Cross-object problems name an object: point at the document that defines it. */
function withSource(problem: PolicyProblem, seen: ReadonlyMap<string, string>): PolicyProblem {
  const source = seen.get(`${problem.kind}:${objectKey(problem.namespace, problem.name)}`);
  return problem.source !== undefined || source === undefined ? problem : { ...problem, source };
}

type Checked =
  | { ok: false; problems: PolicyProblem[] }
  | {
      ok: true;
      department?: Department;
      policy?: NamespacePolicy;
      namespace?: NamespaceInfo;
    };

function checkOne(
  kind: WatchedKind,
  item: unknown,
  source: string,
  checks: PolicyChecks,
  options: ViewOptions,
): Checked {
  if (kind === 'Department') {
    const result = checks.validateDepartment(toPlainJson(item), source);
    return result.ok ? { ok: true, department: result.value } : result;
  }
  if (kind === 'NamespacePolicy') {
    const result = checks.validateNamespacePolicy(toPlainJson(item), source);
    return result.ok ? { ok: true, policy: result.value } : result;
  }
  if (!isCoreKind(kind)) return { ok: true };
  const result = toView(kind, item, source, options);
  if (!result.ok) return result;
  return result.value.kind === 'Namespace' ? { ok: true, namespace: result.value.view } : { ok: true };
}

export function emptyByKind(): ObjectsByKind {
  return Object.fromEntries(WATCHED_KINDS.map((kind) => [kind, []])) as unknown as ObjectsByKind;
}

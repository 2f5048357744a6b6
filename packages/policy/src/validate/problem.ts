/**
 * One thing wrong with a policy object, precise enough for an admin to fix it: where it came from
 * (file path, or `cluster`), which object (kind, namespace, name) and which field (a JSON pointer
 * such as `/spec/quota/hard/requests.cpu`). A problem of a whole file or document has a kind in
 * parentheses, `(file)` or `(document)`.
 */
export interface PolicyProblem {
  readonly source?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly field: string;
  readonly message: string;
}

export function describeProblem(problem: PolicyProblem): string {
  const where = problem.source ? `${problem.source}: ` : '';
  // A file or document that holds no object yet (unreadable, not YAML): its source says it all.
  if (problem.kind.startsWith('(')) return `${where || `${problem.name}: `}${problem.message}`;
  const object = problem.namespace ? `${problem.namespace}/${problem.name}` : problem.name;
  return `${where}${problem.kind} ${object}: ${problem.field || '/'}: ${problem.message}`;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: PolicyProblem[] };

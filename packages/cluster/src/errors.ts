import { describeProblem, type PolicyProblem } from '@corral/policy';

/** The cluster package's error catalogue (STYLE.md #8): stable codes, causes chained. */
export const CLUSTER_ERRORS = {
  CLUSTER_ERR_POLICY_FILES: 'the policy files have problems',
} as const;

export type ClusterErrorCode = keyof typeof CLUSTER_ERRORS;

export class ClusterError extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    readonly problems: readonly PolicyProblem[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ClusterError';
  }
}

/** The policy files failed to load: the message lists every problem, one per line. */
export function policyFilesError(path: string, problems: readonly PolicyProblem[]): ClusterError {
  const lines = problems.map((problem) => `  - ${describeProblem(problem)}`);
  const message = `${CLUSTER_ERRORS.CLUSTER_ERR_POLICY_FILES} (${path}, ${problems.length}):\n${lines.join('\n')}`;
  return new ClusterError('CLUSTER_ERR_POLICY_FILES', message, problems);
}

import { DEPARTMENT_LABEL } from '@corral/policy';
import { CorralError, type CorralErrorOptions } from '@corral/runtime';

/**
 * The extender's error catalogue. Codes are stable: operators grep for them. `toWireMessage` is the
 * ONE place an error becomes what kube-scheduler sees (the extender protocol carries errors in the
 * `Error` field of a 200 answer; only an unreadable body is an HTTP error, answered by fastify).
 */
export const EXT_ERR = {
  BAD_REQUEST: 'EXT_ERR_BAD_REQUEST',
  BAD_POD: 'EXT_ERR_BAD_POD',
  NOT_SYNCED: 'EXT_ERR_NOT_SYNCED',
  UNKNOWN_NAMESPACE: 'EXT_ERR_UNKNOWN_NAMESPACE',
  UNKNOWN_DEPARTMENT: 'EXT_ERR_UNKNOWN_DEPARTMENT',
  BIND_DISABLED: 'EXT_ERR_BIND_DISABLED',
  BIND_FAILED: 'EXT_ERR_BIND_FAILED',
  BIND_CONFLICT: 'EXT_ERR_BIND_CONFLICT',
  BIND_REFUSED: 'EXT_ERR_BIND_REFUSED',
  EXPLAIN_INPUT: 'EXT_ERR_EXPLAIN_INPUT',
  INTERNAL: 'EXT_ERR_INTERNAL',
} as const;

export type ExtErrorCode = (typeof EXT_ERR)[keyof typeof EXT_ERR];

export class ExtenderError extends CorralError<ExtErrorCode> {
  constructor(code: ExtErrorCode, message: string, options: CorralErrorOptions = {}) {
    super(code, message, options);
  }
}

export const badRequest = (message: string): ExtenderError => new ExtenderError(EXT_ERR.BAD_REQUEST, message);

export const notSynced = (reasons: readonly string[]): ExtenderError =>
  new ExtenderError(
    EXT_ERR.NOT_SYNCED,
    `Corral's cluster snapshot is not synced yet (${reasons.join('; ') || 'starting'}); retry later`,
    { details: { reasons } },
  );

/**
 * The pod's namespace is not in the snapshot yet (the watch can lag a `kubectl apply` of a namespace
 * and its workload), so its department is unknown: deciding as if it had none could put two
 * departments on one shared node once the namespace shows up.
 */
export const unknownNamespace = (namespace: string): ExtenderError =>
  new ExtenderError(
    EXT_ERR.UNKNOWN_NAMESPACE,
    `namespace ${namespace} is not in Corral's cache yet; kube-scheduler will retry`,
    { details: { namespace } },
  );

/**
 * The pod's namespace is labelled with a department the snapshot holds no valid Department for (the
 * watch has not delivered it yet, or the policy gate rejected it), and no other department claims
 * the namespace: deciding as if it had none could put two departments on one shared node, or a
 * dedicated department's pod in the shared pool.
 */
export const unknownDepartment = (namespace: string, department: string): ExtenderError =>
  new ExtenderError(
    EXT_ERR.UNKNOWN_DEPARTMENT,
    `namespace ${namespace} is labelled ${DEPARTMENT_LABEL}=${department}, but Corral has no valid ` +
      `Department ${department} (not in its cache yet, or rejected: see kubectl describe department ` +
      `${department} and Corral's policy problems); kube-scheduler will retry`,
    { details: { namespace, department } },
  );

/** Given any error, returns the text for the `Error` field: `CODE: message`, never a stack or a secret. */
export function toWireMessage(err: unknown): string {
  if (err instanceof ExtenderError) return `${err.code}: ${err.message}`;
  return `${EXT_ERR.INTERNAL}: internal error in the Corral scheduler extender (see its logs)`;
}

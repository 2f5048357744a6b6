import { isDenial, type Decision } from '../decide/decision.js';
import type { AdmissionRequest } from '../decide/request.js';
import { ADM_ERR, AdmissionError } from '../errors.js';
import { mutationPatch } from './mutation-patch.js';
import { answerWarnings } from './warning-lines.js';

/**
 * AdmissionReview in, AdmissionReview out (STYLE.md #3), with no policy in sight: the answer echoes
 * the request's `uid` and apiVersion; it allows only if every decision allows; denials are joined into
 * one message with the HTTP code of the first; warnings (and relaxed denials) are merged, deduplicated
 * and written as kube-apiserver passes them on (warning-lines.ts: lines under 120 characters, a long
 * one wrapped over a few); a mutation is the fast-json-patch diff of the mutated copy against the
 * request's object (mutation-patch.ts), base64, omitted when empty. Audited violations go into the
 * AUDIT_ANNOTATION audit annotation.
 */
export const REVIEW_VERSIONS: readonly string[] = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'];

/**
 * The key of the audit annotation listing audited violations. kube-apiserver records it as
 * `<webhook name>/audit` (e.g. `workloads.validate.corral.dev/audit`), and only when that is a qualified
 * name with exactly one `/`: a key with a `/` of its own (as `corral.dev/audit` was) is dropped.
 */
export const AUDIT_ANNOTATION = 'audit';

export interface ReviewIn {
  readonly apiVersion: string;
  readonly request: AdmissionRequest;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
  status?: { code: number; message: string; reason?: string };
  auditAnnotations?: Record<string, string>;
}

export interface ReviewOut {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** What an inner handler answers: its decisions and, for mutation, the mutated copy. */
export interface InnerResult {
  readonly decisions: readonly Decision[];
  readonly mutated?: unknown;
}

const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function problemWith(body: unknown): string | undefined {
  if (!isRecord(body)) return 'the body is not a JSON object';
  if (body['kind'] !== 'AdmissionReview') return 'kind must be AdmissionReview';
  if (!REVIEW_VERSIONS.includes(String(body['apiVersion']))) {
    return `apiVersion must be one of ${REVIEW_VERSIONS.join(', ')}`;
  }
  const request = body['request'];
  if (!isRecord(request)) return 'request is missing';
  const uid = request['uid'];
  if (uid === undefined || uid === null || uid === '') return 'request.uid is missing';
  if (typeof uid !== 'string')
    return `request.uid must be a string (the API server's request id), not ${kindOf(uid)}`;
  const kind = request['kind'];
  if (!isRecord(kind) || typeof kind['kind'] !== 'string' || typeof kind['group'] !== 'string') {
    return 'request.kind must be {group, version, kind}';
  }
  if (!OPERATIONS.includes(String(request['operation']))) return 'request.operation is not a known operation';
  return fieldProblem(request);
}

const kindOf = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

const isStringOrAbsent = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'string';

const isRecordOrAbsent = (value: unknown): boolean =>
  value === undefined || value === null || isRecord(value);

/** Each field read by name (one shape per read, not a loop of keyed reads over the request's fields). */
function fieldProblem(request: Record<string, unknown>): string | undefined {
  if (!isStringOrAbsent(request['namespace'])) return 'request.namespace must be a string';
  if (!isStringOrAbsent(request['name'])) return 'request.name must be a string';
  if (!isStringOrAbsent(request['subResource'])) return 'request.subResource must be a string';
  if (!isRecordOrAbsent(request['object'])) return 'request.object must be an object or null';
  if (!isRecordOrAbsent(request['oldObject'])) return 'request.oldObject must be an object or null';
  return undefined;
}

/** Given a parsed body, returns the review, or throws ADM_ERR_BAD_REVIEW saying what is wrong. */
export function parseReview(body: unknown): ReviewIn {
  const problem = problemWith(body);
  if (problem !== undefined)
    throw new AdmissionError(ADM_ERR.BAD_REVIEW, `not an AdmissionReview: ${problem}`);
  const review = body as { apiVersion: string; request: AdmissionRequest };
  return { apiVersion: review.apiVersion, request: review.request };
}

const ruleText = (decision: Decision) => `[${decision.rule}] ${decision.message}`;

/** The decisions sorted by what the answer does with them (one pass; most reviews have none of each). */
interface Sorted {
  denials?: Decision[];
  warnings?: Set<string>;
  audited?: Decision[];
}

function sortDecisions(decisions: readonly Decision[]): Sorted {
  const sorted: Sorted = {};
  for (const decision of decisions) {
    if (isDenial(decision)) (sorted.denials ??= []).push(decision);
    else if (decision.outcome === 'warn' && !decision.audit && decision.message !== '')
      (sorted.warnings ??= new Set()).add(ruleText(decision));
    if (decision.audit) (sorted.audited ??= []).push(decision);
  }
  return sorted;
}

/**
 * Scratch space for base64-encoding patches: `Buffer.from` would take each patch's bytes from the
 * shared 8 KiB pool and make a new pool every few requests. Used synchronously, so one is enough.
 */
const scratch = Buffer.allocUnsafe(64 * 1024);

function base64Of(text: string): string {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  if (text.length * 3 > scratch.length) return Buffer.from(text).toString('base64');
  const length = scratch.write(text);
  return scratch.toString('base64', 0, length);
}

function patchOf(original: unknown, mutated: unknown): string | undefined {
  if (mutated === undefined) return undefined;
  const patch = mutationPatch(original, mutated);
  return patch === undefined ? undefined : base64Of(patch);
}

/** Builds the AdmissionReview answer from the decisions (and the mutated copy). */
export function respond(review: ReviewIn, result: InnerResult): ReviewOut {
  const { request } = review;
  const { denials, warnings, audited } = sortDecisions(result.decisions);
  const response: AdmissionResponse = { uid: request.uid, allowed: denials === undefined };
  if (denials !== undefined) {
    const code = denials[0]?.code ?? 403;
    response.status = {
      code,
      reason: code === 422 ? 'Invalid' : 'Forbidden',
      message: `Corral denied this ${request.kind.kind}: ${denials.map(ruleText).join('; ')}`,
    };
  }
  if (warnings !== undefined) response.warnings = answerWarnings(warnings);
  if (audited !== undefined) {
    response.auditAnnotations = { [AUDIT_ANNOTATION]: audited.map(ruleText).join('; ').slice(0, 4096) };
  }
  const patch = response.allowed ? patchOf(request.object, result.mutated) : undefined;
  if (patch !== undefined) {
    response.patch = patch;
    response.patchType = 'JSONPatch';
  }
  return { apiVersion: review.apiVersion, kind: 'AdmissionReview', response };
}

/**
 * The answer when the rules failed (threw or missed the deadline): fail closed (deny with 500) in
 * enforce mode, fail open (allow with a warning) in warn and audit modes.
 */
export function respondToFailure(review: ReviewIn, failOpen: boolean, what: string): ReviewOut {
  const { request } = review;
  const message = `Corral could not check this ${request.kind.kind} (${what}); retry, or tell a platform admin`;
  const response: AdmissionResponse = failOpen
    ? { uid: request.uid, allowed: true, warnings: answerWarnings([message]) }
    : { uid: request.uid, allowed: false, status: { code: 500, reason: 'InternalError', message } };
  return { apiVersion: review.apiVersion, kind: 'AdmissionReview', response };
}

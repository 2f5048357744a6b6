import type { ServerResponse } from 'node:http';

/** A `meta/v1 Status` as kube-apiserver returns it for failures. */
export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  /** Set only on a 410 for an expired LIST continue token: where an inconsistent list could go on. */
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  /** kube-apiserver sets it (with a Retry-After header) on 429 Too Many Requests. */
  details?: { retryAfterSeconds?: number };
}

export function failureStatus(code: number, reason: string, message: string): StatusObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export function tooOldResourceVersion(
  requested: number,
  oldest: number,
  reason: 'Expired' | 'Gone',
): StatusObject {
  return failureStatus(410, reason, `too old resource version: ${requested} (${oldest})`);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: StatusObject): void {
  const retryAfter = status.details?.retryAfterSeconds;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  sendJson(res, status.code, status);
}

/** kube-apiserver's reason for the HTTP status of an injected failure. */
const FAILURE_REASONS: Readonly<Record<number, string>> = {
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * An injected failure, shaped as kube-apiserver answers that status: the reason matches the code,
 * and `retryAfterSeconds` (as API Priority and Fairness sends with every 429) goes into the details
 * and the Retry-After header.
 */
export function injectedFailure(code: number, retryAfterSeconds?: number): StatusObject {
  const status = failureStatus(code, FAILURE_REASONS[code] ?? 'InternalError', `injected failure (${code})`);
  return retryAfterSeconds === undefined ? status : { ...status, details: { retryAfterSeconds } };
}

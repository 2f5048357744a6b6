import type { ServerResponse } from 'node:http';

/** A `meta/v1 Status` as kube-apiserver returns it for failures. */
export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
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
  sendJson(res, status.code, status);
}

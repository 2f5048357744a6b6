import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseResourcePath } from './resources.js';
import type { ExtraHandler } from './server.js';
import { failureStatus, sendStatus, type StatusObject } from './status.js';

/**
 * RBAC refusals as kube-apiserver answers them, for a server's `extra` handler: 401 Unauthorized
 * (no valid credentials) or 403 Forbidden with the authorizer's message, e.g. `pods is forbidden:
 * User "system:serviceaccount:corral:corral" cannot list resource "pods" in API group "" at the
 * cluster scope`. Refuses the LIST (and WATCH, `verb` 'watch') of the given collection paths until
 * `allow()`.
 */
export interface Refusals {
  readonly handler: ExtraHandler;
  /** Refuses `verb` on the collection at `path` (e.g. `/api/v1/pods`) with `code`. */
  refuse(path: string, verb: 'list' | 'watch', code: 401 | 403): void;
  /** Serves every request again. */
  allow(): void;
}

/** The ServiceAccount the refusals name, as deploy/ runs Corral. */
export const REFUSED_USER = 'system:serviceaccount:corral-system:corral';

function forbidden(path: string, verb: string): StatusObject {
  const resource = parseResourcePath(path)?.resource;
  const plural = resource?.plural ?? path;
  const slash = resource?.apiVersion.indexOf('/') ?? -1;
  const group = resource === undefined || slash < 0 ? '' : resource.apiVersion.slice(0, slash);
  const message =
    `${plural} is forbidden: User "${REFUSED_USER}" cannot ${verb} resource "${plural}" ` +
    `in API group "${group}" at the cluster scope`;
  return failureStatus(403, 'Forbidden', message);
}

export function refusals(): Refusals {
  const rules = new Map<string, 401 | 403>();
  const handler = (_req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const verb = url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
    const code = rules.get(`${verb} ${url.pathname}`);
    if (code === undefined) return false;
    sendStatus(
      res,
      code === 401 ? failureStatus(401, 'Unauthorized', 'Unauthorized') : forbidden(url.pathname, verb),
    );
    return true;
  };
  return {
    handler,
    refuse: (path, verb, code) => rules.set(`${verb} ${path}`, code),
    allow: () => rules.clear(),
  };
}

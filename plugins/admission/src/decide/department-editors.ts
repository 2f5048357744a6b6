import type { AdmissionRequest } from './request.js';

/**
 * Who may move a namespace between departments (`--department-editors`): entries `user:<name>` and
 * `group:<name>`, matched against the review's userInfo. Empty: whoever RBAC lets update the
 * Namespace. Changing a namespace's labels is usually a cluster admin's right, but RBAC can grant it
 * per namespace (a RoleBinding in the namespace that allows `patch namespaces`), and such a tenant
 * could then leave its department's rules or join a richer one.
 */
export function mayMoveNamespaces(editors: readonly string[], request: AdmissionRequest): boolean {
  if (editors.length === 0) return true;
  const user = request.userInfo?.username;
  const groups = request.userInfo?.groups ?? [];
  return editors.some((entry) => {
    if (entry.startsWith('user:')) return user !== undefined && entry.slice('user:'.length) === user;
    if (entry.startsWith('group:')) return groups.includes(entry.slice('group:'.length));
    return false;
  });
}

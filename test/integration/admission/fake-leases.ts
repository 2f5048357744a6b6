import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Leases on the fake API server, with the real API server's optimistic concurrency: a PUT with a
 * stale resourceVersion and a POST of an existing name are refused with 409 Conflict.
 */
export function leaseHandler() {
  const leases = new Map<string, Record<string, unknown>>();
  let version = 100;
  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const conflict = (res: ServerResponse, message: string) =>
    send(res, 409, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message,
    });
  const handler = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const match = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    if (!match) return false;
    const [, namespace = '', name] = match;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = `${namespace}/${name ?? ''}`;
      if (req.method === 'GET' && name) {
        const lease = leases.get(key);
        if (lease) send(res, 200, lease);
        else
          send(res, 404, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
          });
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { metadata: Record<string, unknown> };
      const bodyKey = `${namespace}/${String(body.metadata['name'])}`;
      const current = leases.get(bodyKey) as { metadata: { resourceVersion: string } } | undefined;
      if (req.method === 'POST' && current) return conflict(res, 'already exists');
      if (req.method === 'PUT' && current?.metadata.resourceVersion !== body.metadata['resourceVersion']) {
        return conflict(res, 'the object has been modified; please apply your changes to the latest version');
      }
      version += 1;
      const stored = { ...body, metadata: { ...body.metadata, resourceVersion: String(version) } };
      leases.set(bodyKey, stored);
      send(res, req.method === 'POST' ? 201 : 200, stored);
    });
    return true;
  };
  return { handler, leases };
}

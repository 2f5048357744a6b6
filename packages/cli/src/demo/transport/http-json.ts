import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * POSTs a JSON body and reads a JSON answer, as kube-apiserver calls a webhook and kube-scheduler calls
 * its extender. Over HTTPS the server's certificate must chain to `ca` (and only to it) and name the
 * host. One connection per call, closed after it, so nothing lingers when the services stop.
 */
export function postJson(
  url: string,
  body: unknown,
  options: { ca?: string; timeoutMs?: number } = {},
): Promise<JsonReply> {
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          accept: 'application/json',
        },
        timeout: options.timeoutMs ?? 10_000,
        ...(target.protocol === 'https:' ? { ca: options.ca ?? [], rejectUnauthorized: true } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: text === '' ? undefined : (JSON.parse(text) as unknown),
            });
          } catch {
            reject(
              new Error(
                `POST ${target.pathname}: HTTP ${res.statusCode ?? 0}, not JSON: ${text.slice(0, 200)}`,
              ),
            );
          }
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`POST ${url}: no answer within ${options.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

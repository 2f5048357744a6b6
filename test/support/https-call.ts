import { request } from 'node:https';

/** A client key pair and certificate (PEM), e.g. from openssl.js's generatePair. */
export interface ClientPair {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface HttpsCall {
  readonly port: number;
  readonly path: string;
  /** The CA that signed the server's certificate (PEM). */
  readonly ca: string | Buffer;
  /** POST this as JSON; without it, a GET. */
  readonly body?: unknown;
  /** Present this client certificate; without it, none. */
  readonly client?: ClientPair;
}

/**
 * One HTTPS request to 127.0.0.1 on a fresh connection. Answers the status and the body: parsed when
 * it is a JSON object, else `{ text }`.
 */
export function httpsCall<T = Record<string, unknown>>(
  call: HttpsCall,
): Promise<{ status: number; body: T & { text?: string } }> {
  const post = call.body !== undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: call.port,
        path: call.path,
        method: post ? 'POST' : 'GET',
        headers: post ? { 'content-type': 'application/json' } : {},
        ca: call.ca,
        agent: false,
        ...(call.client ? { cert: call.client.cert, key: call.client.key } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text.startsWith('{')
              ? (JSON.parse(text) as T & { text?: string })
              : ({ text } as T & { text: string }),
          }),
        );
      },
    );
    req.on('error', reject).end(post ? JSON.stringify(call.body) : undefined);
  });
}

/** What a TLS connection tells about the client's certificate (see `clientPeerOf`). */
export interface ClientPeer {
  /** Is the connection TLS at all? */
  readonly tls: boolean;
  /** Did the client present a certificate? */
  readonly presented: boolean;
  /** Did it verify against the server's client CA (`TLSSocket.authorized`)? */
  readonly authorized: boolean;
  /** Why it did not verify (`TLSSocket.authorizationError`, an OpenSSL code). */
  readonly authorizationError?: string;
  /** The certificate's subject CN(s). */
  readonly commonNames?: readonly string[];
  /** The certificate's subjectAltName as Node writes it: `DNS:a, URI:spiffe://b, IP Address:1.2.3.4`. */
  readonly subjectAltName?: string;
}

/** One `KIND:value` entry, the value bare (up to the next `, `) or JSON-quoted by Node. */
const SAN_ENTRY = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;

/**
 * Given Node's subjectAltName text, returns its DNS and URI names (values Node quotes, because they
 * hold a comma or a quote, are unquoted; other kinds, such as IP addresses, are left out). Parsing
 * stops at the first entry it cannot read.
 */
export function dnsAndUriNames(subjectAltName: string | undefined): string[] {
  const text = subjectAltName ?? '';
  const names: string[] = [];
  SAN_ENTRY.lastIndex = 0;
  while (SAN_ENTRY.lastIndex < text.length) {
    const match = SAN_ENTRY.exec(text);
    if (match === null) break;
    const [, kind = '', raw = ''] = match;
    if (kind !== 'DNS' && kind !== 'URI') continue;
    names.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return names;
}

/**
 * The predicate behind client certificate authentication: given what the connection tells about the
 * client's certificate and, optionally, a name it must carry (its CN, or a DNS or URI subjectAltName,
 * equal to `requiredName`), returns why the client is not trusted, or undefined when it is.
 */
export function clientCertificateProblem(peer: ClientPeer, requiredName?: string): string | undefined {
  if (!peer.tls) return 'the connection is not TLS';
  if (!peer.presented) return 'no client certificate was presented';
  if (!peer.authorized) {
    const why = peer.authorizationError ? ` (${peer.authorizationError})` : '';
    return `the client certificate is not signed by the client CA${why}`;
  }
  if (requiredName === undefined) return undefined;
  const names = [...(peer.commonNames ?? []), ...dnsAndUriNames(peer.subjectAltName)];
  if (names.includes(requiredName)) return undefined;
  const carried = names.length > 0 ? names.join(', ') : 'none';
  return `the client certificate does not name ${requiredName} (CN or DNS/URI subjectAltName; it names ${carried})`;
}

interface SocketLike {
  readonly encrypted?: boolean;
  readonly authorized?: boolean;
  readonly authorizationError?: Error | string | null;
  getPeerCertificate?(): { subject?: { CN?: string | string[] }; subjectaltname?: string } | null;
}

/** Given a request's socket (a `TLSSocket` for HTTPS, a plain `Socket` otherwise), returns its ClientPeer. */
export function clientPeerOf(raw: object): ClientPeer {
  const socket = raw as SocketLike;
  if (socket.encrypted !== true || typeof socket.getPeerCertificate !== 'function') {
    return { tls: false, presented: false, authorized: false };
  }
  const certificate = socket.getPeerCertificate() ?? {};
  const presented = Object.keys(certificate).length > 0;
  const error = socket.authorizationError;
  const cn = certificate.subject?.CN;
  return {
    tls: true,
    presented,
    authorized: socket.authorized === true,
    ...(error ? { authorizationError: error instanceof Error ? error.message : error } : {}),
    ...(cn === undefined ? {} : { commonNames: Array.isArray(cn) ? cn : [cn] }),
    ...(certificate.subjectaltname === undefined ? {} : { subjectAltName: certificate.subjectaltname }),
  };
}

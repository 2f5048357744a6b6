import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { ClientCa } from '../tls/client-ca.js';
import { chainIsTrusted } from '../tls/trusted-chain.js';
import { responseInFlight } from './response-in-flight.js';

/** The `authorizationError` of a connection the reloaded client CA no longer trusts. */
export const NO_LONGER_TRUSTED = 'no longer trusted: the client CA was reloaded since the handshake';

/** Called with each client CA swapped in; returns how many connections it closed. */
export type OnClientCaChange = (ca: ClientCa) => number;

/**
 * Does `ca` still verify the certificate `socket` was authenticated with? The certificates are read
 * from `getPeerCertificate(true)` alone: on Node 20, a `getPeerX509Certificate()` call leaves every
 * later detailed read without the chain above the leaf.
 */
function stillTrusted(socket: TLSSocket, ca: ClientCa, now: number): boolean {
  let link = socket.getPeerCertificate(true);
  if (link.raw === undefined) return false;
  const leaf = new X509Certificate(link.raw);
  const chain: X509Certificate[] = [];
  while (link.issuerCertificate !== undefined && link.issuerCertificate !== link) {
    link = link.issuerCertificate;
    chain.push(new X509Certificate(link.raw));
  }
  return chainIsTrusted(leaf, chain, ca.anchors, now);
}

/** stillTrusted, failing closed: a certificate that cannot be read again is not trusted. */
function stillTrustedOrFalse(socket: TLSSocket, ca: ClientCa, now: number): boolean {
  try {
    return stillTrusted(socket, ca, now);
  } catch {
    return false;
  }
}

/** Ends `socket` once what was written to it is sent. */
const endSoon = (socket: TLSSocket): void => void socket.end(() => socket.destroy());

/**
 * Marks `socket` unauthenticated (the routes that require a client certificate answer 403 on it)
 * and closes it: at once when no request is in flight, else after the response in flight.
 */
function distrust(socket: TLSSocket): void {
  socket.authorized = false;
  // Node types it as an Error; TLS sets a string (an OpenSSL code), which the checks read as such.
  (socket as { authorizationError: unknown }).authorizationError = NO_LONGER_TRUSTED;
  const response = responseInFlight(socket);
  if (response === undefined) return endSoon(socket);
  // Before its head is written, the response says `Connection: close`, and Node ends the
  // connection after it.
  if (!response.headersSent) response.shouldKeepAlive = false;
  else response.once('finish', () => endSoon(socket));
}

/**
 * For a TLS server that verifies client certificates (requestCert, not rejecting the unauthorized):
 * tracks the connections whose client certificate verified (`authorized`), and returns what to call
 * when the client CA is swapped: each tracked connection whose certificate the new bundle does not
 * verify is marked unauthorized (a request arriving on it is refused as any untrusted caller's is)
 * and closed, after the response in flight if there is one. A handshake made after the swap is
 * verified against the new bundle by TLS itself. Costs one set entry per connection, nothing per
 * request.
 */
export function closeConnectionsOnClientCaChange(
  server: { on(event: 'secureConnection', listener: (socket: TLSSocket) => void): unknown },
  now: () => number = Date.now,
): OnClientCaChange {
  const trusted = new Set<TLSSocket>();
  server.on('secureConnection', (socket) => {
    if (!socket.authorized) return;
    trusted.add(socket);
    socket.once('close', () => trusted.delete(socket));
  });
  return (ca) => {
    let closed = 0;
    const at = now();
    for (const socket of trusted) {
      if (socket.destroyed || stillTrustedOrFalse(socket, ca, at)) continue;
      trusted.delete(socket);
      distrust(socket);
      closed += 1;
    }
    return closed;
  };
}

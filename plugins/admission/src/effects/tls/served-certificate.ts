import { connect } from 'node:tls';

export interface ServedTarget {
  /** Where the server listens; a wildcard address is reached on loopback. */
  readonly host: string;
  readonly port: number;
  /** SNI name to ask for. */
  readonly servername: string;
}

/**
 * Where a wildcard listener is reached: IPv4 loopback for `::` too (bound dual-stack), since a pod
 * whose IPv6 is switched off (sysctl disable_ipv6) still binds `::` but has no `::1`.
 */
const LOOPBACK: Readonly<Record<string, string>> = {
  '0.0.0.0': '127.0.0.1',
  '::': '127.0.0.1',
  '': '127.0.0.1',
};

/**
 * Opens a TLS connection to our own listener and returns the serial number of the certificate it
 * presents (upper-case hex, as node:crypto writes it). It checks what is actually served, after the
 * reloader swapped it in; it trusts nothing and sends nothing.
 */
export function servedSerialNumber(target: ServedTarget, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: LOOPBACK[target.host] ?? target.host,
      port: target.port,
      servername: target.servername,
      rejectUnauthorized: false,
    });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      socket.destroy();
      if (serial) resolve(serial.toUpperCase());
      else reject(new Error('the server presented no certificate'));
    });
  });
}

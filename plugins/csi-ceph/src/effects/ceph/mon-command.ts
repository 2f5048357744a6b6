/** Monitor commands (`ceph <prefix> --format json`) through librados, off the event loop. */
import { cephError } from './ceph-call.js';
import { callAsync, decodeBytes, ffi } from './ffi.js';
import type { RadosConnection } from './rados-connection.js';

/**
 * Sends one mon command (e.g. `{prefix: "df", format: "json"}`) and returns its output buffer as
 * text; a refused command throws the catalogued error for its errno, with the mon's status text.
 */
export async function monCommand(conn: RadosConnection, command: Readonly<Record<string, string>>) {
  const { rados } = ffi();
  const out: unknown[] = [null];
  const outLen = [0];
  const status: unknown[] = [null];
  const statusLen = [0];
  const text = JSON.stringify(command);
  const rc = await callAsync<number>(
    rados.rados_mon_command,
    conn.handle,
    [text],
    1,
    '',
    0,
    out,
    outLen,
    status,
    statusLen,
  );
  try {
    if (rc < 0) {
      const said = decodeBytes(status[0], statusLen[0] ?? 0);
      throw cephError('mon command', -rc, `${command['prefix'] ?? '?'}${said ? ` (${said})` : ''}`);
    }
    return decodeBytes(out[0], outLen[0] ?? 0);
  } finally {
    if (out[0]) rados.rados_buffer_free(out[0]);
    if (status[0]) rados.rados_buffer_free(status[0]);
  }
}

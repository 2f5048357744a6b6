import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** The most one policy file may hold: a `kubectl get ... -o yaml` of thousands of objects fits. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** The most all the policy files together may hold. */
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

export type ReadFile =
  | { readonly ok: true; readonly text: string; readonly bytes: number }
  | { readonly ok: false; readonly reason: ReadRefusal; readonly message: string; readonly bytes?: number };

/** Why a file was not read: over the limit, no regular file, gone, or not text. */
export type ReadRefusal = 'too-big' | 'not-a-file' | 'missing' | 'unreadable' | 'not-text';

/**
 * Reads a policy file of at most `limit` bytes, never more: a regular file only (a device such as
 * /dev/zero, a FIFO or a socket, also behind a symlink, is refused before it is opened, and opened
 * without blocking in case it was swapped in since), its size checked before reading and the read
 * bounded in case it grew. UTF-8 (a byte order mark is dropped) or, as kubectl reads them too,
 * UTF-16 with a byte order mark; invalid UTF-8 is refused, as kubectl refuses it.
 */
export async function readPolicyFile(path: string, limit: number): Promise<ReadFile> {
  try {
    const refused = refusal(await stat(path), limit);
    if (refused) return refused;
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const again = refusal(await handle.stat(), limit);
      if (again) return again;
      const chunks: Buffer[] = [];
      let length = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit + 1 - length));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        length += bytesRead;
        // It grew past the limit since it was looked at: stop reading there.
        if (length > limit)
          return { ok: false, reason: 'too-big', message: tooBig(length, limit), bytes: length };
      }
      return decode(Buffer.concat(chunks, length));
    } finally {
      await handle.close();
    }
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const message = `cannot read: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, reason: missing ? 'missing' : 'unreadable', message };
  }
}

function refusal(info: Stats, limit: number): ReadFile | undefined {
  if (!info.isFile()) {
    const message = `is not a regular file (${typeOf(info)}); policy files must be regular files`;
    return { ok: false, reason: 'not-a-file', message };
  }
  if (info.size <= limit) return undefined;
  return { ok: false, reason: 'too-big', message: tooBig(info.size, limit), bytes: info.size };
}

/** Why a file of `bytes` (at least: it may have grown further) is refused. */
export function tooBig(bytes: number, limit: number): string {
  return `is ${bytes} bytes or more, over the limit of ${mebibytes(limit)} for one policy file; split it into smaller files`;
}

/** A size as people read it: 16 MiB, or bytes below 1 MiB. */
export function mebibytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function typeOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isFIFO()) return 'a FIFO';
  return info.isSocket() ? 'a socket' : 'not a file';
}

function decode(bytes: Buffer): ReadFile {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return { ok: true, text, bytes: bytes.length };
  } catch {
    return { ok: false, reason: 'not-text', message: `is not valid ${encoding.toUpperCase()} text` };
  }
}

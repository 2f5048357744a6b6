/** A writer that batches its work: flush() writes what is pending now, stop() ends it. */
export interface FlushableWriter {
  flush(): Promise<void>;
  stop(): void;
}

/**
 * Flushes a just-started writer once and stops it, even when the flush fails: for tests that look
 * at what a single pass wrote (a policy status writer, say).
 */
export async function flushOnce(writer: FlushableWriter): Promise<void> {
  try {
    await writer.flush();
  } finally {
    writer.stop();
  }
}

#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './config.js';
import { describeUnexpected } from './failure.js';
import { EXIT_USAGE } from './io.js';

/** Resolves once what was written to `stream` has been handed to the system (or it cannot be). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}

const io = processIo();
let code: number;
try {
  code = await runCli(process.argv.slice(2), io);
} catch (error) {
  // runCli catches what its commands throw; this is the last resort, same one-line report.
  io.stderr(describeUnexpected('', error, io.env));
  code = EXIT_USAGE;
}
// The command is over: a service has shut down, or could not start. Exit even if something it
// started is still pending (a watch retrying against the API server after the listen failed), so
// that a failed start ends the process, and Kubernetes restarts the container, rather than leaving
// it running without a server.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);

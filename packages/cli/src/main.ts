#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './config.js';
import { describeUnexpected } from './failure.js';
import { EXIT_USAGE } from './io.js';

const io = processIo();
try {
  process.exitCode = await runCli(process.argv.slice(2), io);
} catch (error) {
  // runCli catches what its commands throw; this is the last resort, same one-line report.
  io.stderr(describeUnexpected('', error, io.env));
  process.exitCode = EXIT_USAGE;
}

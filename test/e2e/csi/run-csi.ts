// Runs `corral csi` in a child process for the kill -9 test (the CLI wiring is the lead's).
import { commands } from '../../../plugins/csi-ceph/src/index.js';

const code = await commands.csi(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});
process.exit(code);

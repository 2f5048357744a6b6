/**
 * One server for bench/admission.bench.ts (see admission-bench-apps.ts for what each mode is), run
 * in its own process (one core), over HTTPS. Prints nothing; sends its port to the parent over IPC,
 * its CPU time when asked (`cpu`), and exits when the parent sends `stop`.
 */
import { BENCH_APPS, buildBenchApp, type BenchApp } from './admission-bench-apps.js';

const [mode = '', certFile = '', keyFile = ''] = process.argv.slice(2);
if (!(BENCH_APPS as readonly string[]).includes(mode)) {
  throw new Error(`unknown bench server "${mode}"; one of ${BENCH_APPS.join(', ')}`);
}

const app = await buildBenchApp(mode as BenchApp, { certFile, keyFile });
await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ port: (app.server.address() as { port: number }).port });

// The parent asks for this process's CPU time (user + system, all threads, µs) around each run, and
// for a clean exit at the end (so that `--cpu-prof` writes its profile).
process.on('message', (message) => {
  if (message === 'stop') process.exit(0);
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
});

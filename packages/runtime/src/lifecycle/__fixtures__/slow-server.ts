// A tiny service for the graceful-shutdown integration test: GET /slow takes ~500 ms.
// Prints JSON log lines on stdout; the test waits for "fixture listening" to learn the port, and for
// "slow request started" to know that the request is in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import { buildServer, createLogger, createMetrics, createReadiness, onShutdown } from '../../index.js';

const logger = createLogger({ level: 'info', name: 'shutdown-fixture' });
const readiness = createReadiness();
const app = buildServer({
  logger,
  metrics: createMetrics({ service: 'fixture' }),
  readiness: readiness.report,
});
app.get('/slow', async () => {
  logger.info('slow request started');
  await sleep(500);
  return 'done';
});

await app.listen({ host: '127.0.0.1', port: 0 });
onShutdown({
  logger,
  readiness,
  timeoutMs: 5000,
  steps: [{ name: 'http server', run: () => app.close() }],
});
const address = app.server.address();
logger.info(
  { port: typeof address === 'object' && address !== null ? address.port : undefined },
  'fixture listening',
);

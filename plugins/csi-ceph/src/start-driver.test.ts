// The composition root's metrics: the controller serves the flattens' series on /metrics (wired to the
// retries and the flatten job), the node plugin does not. No Ceph is reached (nothing calls it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@corral/runtime';
import { loadCsiConfig } from './config.js';
import { startDriver, type RunningDriver } from './start-driver.js';

let dir: string;
let driver: RunningDriver | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'corral-csi-metrics-'));
  writeFileSync(
    join(dir, 'clusters.json'),
    JSON.stringify([{ clusterID: 'c1', monitors: ['127.0.0.1:1'], rbd: { pools: ['rbd'] } }]),
  );
});
afterEach(async () => {
  await driver?.stop();
  driver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(role: 'controller' | 'node'): Promise<string> {
  const argv = ['--role', role, '--endpoint', `unix://${join(dir, 'csi.sock')}`];
  argv.push('--cluster-config', join(dir, 'clusters.json'), '--listen', '127.0.0.1:0');
  if (role === 'node') argv.push('--node-id', 'n1');
  const config = loadCsiConfig(argv, {});
  driver = await startDriver({ config, logger: createLogger({ level: 'silent', name: 't' }) });
  return (await fetch(`http://${driver.ops?.address}/metrics`)).text();
}

describe('startDriver /metrics', () => {
  it('given the controller, serves the flattens by outcome and the clones waiting, at 0', async () => {
    const text = await scrape('controller');
    expect(text).toContain(
      'corral_csi_background_flattens_total{outcome="failed",service="csi-controller"} 0',
    );
    expect(text).toContain('corral_csi_flatten_retries_waiting{service="csi-controller"} 0');
  });

  it('given the node plugin, serves no flatten series', async () => {
    const text = await scrape('node');
    expect(text).toContain('# TYPE corral_csi_operations_total counter');
    expect(text).not.toContain('corral_csi_background_flattens_total');
    expect(text).not.toContain('corral_csi_flatten_retries_waiting');
  });
});

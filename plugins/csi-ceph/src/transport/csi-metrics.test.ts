// Which CSI series each role registers: the flattens' only on the controller, at 0 from the start.
import { createMetrics } from '@corral/runtime';
import { createCsiMetrics } from './csi-metrics.js';

const FLATTEN_SERIES = ['corral_csi_background_flattens_total', 'corral_csi_flatten_retries_waiting'];

async function namesOf(role: 'controller' | 'node') {
  const metrics = createMetrics({ service: `csi-${role}`, processMetrics: false });
  const csi = createCsiMetrics(metrics, role);
  const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
  return { csi, metrics, names };
}

describe('createCsiMetrics', () => {
  it('given the controller, registers the flattens series, every outcome and the gauge at 0', async () => {
    const { csi, metrics, names } = await namesOf('controller');
    expect(names).toEqual(expect.arrayContaining(FLATTEN_SERIES));
    expect(csi.flatten).toBeDefined();
    const text = await metrics.registry.metrics();
    for (const outcome of ['done', 'retrying', 'failed', 'stopped'])
      expect(text).toContain(
        `corral_csi_background_flattens_total{outcome="${outcome}",service="csi-controller"} 0`,
      );
    expect(text).toContain('corral_csi_flatten_retries_waiting{service="csi-controller"} 0');
  });

  it('given the controller, moves the counter by outcome and sets the gauge', async () => {
    const { csi, metrics } = await namesOf('controller');
    csi.flatten?.ended('retrying');
    csi.flatten?.ended('retrying');
    csi.flatten?.ended('done');
    csi.flatten?.waiting(3);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'corral_csi_background_flattens_total{outcome="retrying",service="csi-controller"} 2',
    );
    expect(text).toContain('corral_csi_background_flattens_total{outcome="done",service="csi-controller"} 1');
    expect(text).toContain('corral_csi_flatten_retries_waiting{service="csi-controller"} 3');
  });

  it('given the node plugin, registers no flattens series (it flattens nothing)', async () => {
    const { csi, names } = await namesOf('node');
    expect(csi.flatten).toBeUndefined();
    expect(names).toContain('corral_csi_operations_total');
    expect(names.filter((name) => FLATTEN_SERIES.includes(name))).toEqual([]);
  });
});

import { createMetrics } from './create-metrics.js';

describe('createMetrics', () => {
  it('given a service, returns a registry whose series all carry the service label', async () => {
    const { registry, httpRequestDuration } = createMetrics({ service: 'extender' });
    httpRequestDuration.observe({ route: '/scheduler/filter', method: 'POST', status_code: '200' }, 0.003);
    const text = await registry.metrics();
    expect(text).toContain(
      'corral_http_request_duration_seconds_bucket{le="0.005",service="extender",route="/scheduler/filter",method="POST",status_code="200"} 1',
    );
    expect(text).toMatch(/corral_process_cpu_seconds_total\{service="extender"\} \d/);
  });

  it('given processMetrics false, returns only the HTTP histogram and the dropped-connections counter', async () => {
    const { registry } = createMetrics({ service: 'csi', processMetrics: false });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(['corral_http_request_duration_seconds', 'corral_http_connections_dropped_total']);
  });

  it('given a prefix, applies it to every metric name', async () => {
    const { registry } = createMetrics({ service: 'x', prefix: 'test_' });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.every((n) => n.startsWith('test_'))).toBe(true);
  });

  it('given two services in one process, returns independent registries', async () => {
    const a = createMetrics({ service: 'a', processMetrics: false });
    const b = createMetrics({ service: 'b', processMetrics: false });
    a.httpRequestDuration.observe({ route: '/r', method: 'GET', status_code: '200' }, 1);
    expect(await b.registry.metrics()).not.toContain('route="/r"');
  });
});

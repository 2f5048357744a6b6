// Identity service over the real unix socket, with the interceptor chain, against real Ceph.
import { status } from '@grpc/grpc-js';
import { call, codeOf, startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe('Identity', () => {
  it('given GetPluginInfo, returns the driver name and version', async () => {
    const info = await call(h.identity, 'GetPluginInfo', {});
    expect(info.name).toBe('rbd.csi.corral.dev');
    expect(info.vendor_version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('given GetPluginCapabilities, returns the controller service and online expansion', async () => {
    const caps = await call(h.identity, 'GetPluginCapabilities', {});
    expect(caps.capabilities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: { type: 'CONTROLLER_SERVICE' } }),
        expect.objectContaining({ volume_expansion: { type: 'ONLINE' } }),
      ]),
    );
    // One expansion type: the controller grows in-use volumes (no FAILED_PRECONDITION for them).
    expect(caps.capabilities!.filter((c) => c.volume_expansion)).toHaveLength(1);
  });

  it('given Ceph up, Probe answers ready', async () => {
    const probe = await call(h.identity, 'Probe', {});
    expect(probe.ready?.value).toBe(true);
  });

  it('given a call, logs one line with a request id and the rpc', async () => {
    await call(h.identity, 'GetPluginInfo', {});
    const line = h.logs.lines.find((l) => l['rpc'] === 'GetPluginInfo');
    expect(line).toMatchObject({ code: 'OK', rpc: 'GetPluginInfo' });
    expect(typeof line?.['requestId']).toBe('string');
  });

  it('given calls, /metrics counts them by RPC and code, and /healthz and /readyz answer 200', async () => {
    await call(h.identity, 'GetPluginInfo', {});
    const base = `http://${h.driver.ops?.address}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /corral_csi_operations_total\{[^}]*rpc="GetPluginInfo"[^}]*code="OK"[^}]*\} [1-9]/,
    );
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('given an unserved service, answers UNIMPLEMENTED', async () => {
    expect(await codeOf(call(h.node, 'NodeGetInfo', {}))).toBe(status.UNIMPLEMENTED);
  });
});

describe('Probe with Ceph unreachable', () => {
  it('given monitors nobody listens on, answers FAILED_PRECONDITION', async () => {
    const dead = await startHarness({ ceph: h.ceph, monitors: ['127.0.0.1:1'], cephTimeoutSeconds: 2 });
    try {
      expect(await codeOf(call(dead.identity, 'Probe', {}))).toBe(status.FAILED_PRECONDITION);
    } finally {
      await dead.stop();
    }
  });
});

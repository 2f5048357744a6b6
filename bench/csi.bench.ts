// CSI driver benchmark: CreateVolume/DeleteVolume latency (p50, p99) over the real gRPC socket and
// throughput with 100 concurrent creates, beside the bare `rbd create` CLI measured in the same run.
// Run: npx tsx bench/csi.bench.ts   (starts/reuses the local Ceph; results in docs/benchmarks.md)
import { performance } from 'node:perf_hooks';
import { cephCli, startCeph } from '../test/support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness } from '../test/integration/csi/harness.js';

const SEQUENTIAL = Number(process.env['CSI_BENCH_N'] ?? 50);
const CONCURRENT = 100;
const MIB = 1024 * 1024;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99), n: s.length };
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const ceph = await startCeph();
const run = `bench${process.pid}`;

// Baseline: the bare CLI, one process per call, as a driver spawning `rbd` would pay.
const cli: number[] = [];
for (let i = 0; i < 20; i += 1) {
  const t0 = performance.now();
  const out = await cephCli(ceph, ['rbd', 'create', '--size', '16', `${ceph.pool}/${run}-cli-${i}`], {
    user: 'csi',
  });
  cli.push(performance.now() - t0);
  if (out.code !== 0) throw new Error(out.stderr);
}
for (let i = 0; i < 20; i += 1)
  await cephCli(ceph, ['rbd', 'rm', '--no-progress', `${ceph.pool}/${run}-cli-${i}`]);

const h = await startHarness({ ceph, extraArgs: ['--log-level', 'warn'] });
const request = (name: string) => ({
  name,
  capacity_range: { required_bytes: 16 * MIB },
  volume_capabilities: [MOUNT_RWO],
  parameters: { clusterID: CLUSTER_ID, pool: ceph.pool, volumeNamePrefix: `${run}-` },
  secrets: h.secrets,
});
// Warm the connection (connect is paid once per process and user).
const warm = await call(h.controller, 'CreateVolume', request(`${run}-warm`));
await call(h.controller, 'DeleteVolume', { volume_id: warm.volume?.volume_id, secrets: h.secrets });

const creates: number[] = [];
const ids: string[] = [];
for (let i = 0; i < SEQUENTIAL; i += 1) {
  const t0 = performance.now();
  const res = await call(h.controller, 'CreateVolume', request(`${run}-seq-${i}`));
  creates.push(performance.now() - t0);
  ids.push(res.volume?.volume_id ?? '');
}
const deletes: number[] = [];
for (const id of ids) {
  const t0 = performance.now();
  await call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets });
  deletes.push(performance.now() - t0);
}

const t0 = performance.now();
const results = await Promise.all(
  Array.from({ length: CONCURRENT }, (_, i) =>
    call(h.controller, 'CreateVolume', request(`${run}-par-${i}`)),
  ),
);
const seconds = (performance.now() - t0) / 1000;
const images = (await cephCli(ceph, ['rbd', 'ls', '--pool', ceph.pool])).stdout
  .split('\n')
  .filter((n) => n.startsWith(`${run}-`));
const t1 = performance.now();
await Promise.all(
  results.map((r) =>
    call(h.controller, 'DeleteVolume', { volume_id: r.volume?.volume_id, secrets: h.secrets }),
  ),
);
const deleteSeconds = (performance.now() - t1) / 1000;
await h.stop();

const c = summary(cli);
const cr = summary(creates);
const de = summary(deletes);
console.log(`baseline rbd create (CLI, n=${c.n}): p50 ${fmt(c.p50)}, p99 ${fmt(c.p99)}`);
console.log(
  `CreateVolume (gRPC, n=${cr.n}): p50 ${fmt(cr.p50)}, p99 ${fmt(cr.p99)}  → p50 ratio ${(cr.p50 / c.p50).toFixed(2)}× the CLI`,
);
console.log(
  `DeleteVolume (gRPC, n=${de.n}): p50 ${fmt(de.p50)}, p99 ${fmt(de.p99)}  → p50 ratio ${(de.p50 / c.p50).toFixed(2)}× the CLI create`,
);
console.log(
  `${CONCURRENT} concurrent CreateVolume: ${seconds.toFixed(2)} s, ${(CONCURRENT / seconds).toFixed(1)} volumes/s ` +
    `(${((CONCURRENT / seconds) * (c.p50 / 1000)).toFixed(1)}× one-at-a-time CLI); images made: ${images.length} (duplicates: ${images.length - CONCURRENT})`,
);
console.log(`${CONCURRENT} concurrent DeleteVolume: ${(CONCURRENT / deleteSeconds).toFixed(1)} volumes/s`);

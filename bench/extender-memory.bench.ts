/**
 * Scheduler extender memory (issue #4: RSS < 150 MiB with 5,000 nodes and 100,000 pods):
 * `npx tsc -b plugins/scheduler-extender/tsconfig.build.json` (or `npm run build`), then
 * `npx tsx --conditions corral-source bench/extender-memory.bench.ts`.
 *
 * The cluster path, as deployed: this process serves the synthesized cluster
 * (bench/extender-bench-cluster.ts) from the fake API server of test/integration (real LIST with
 * limit/continue, real WATCH); the extender runs in a child process under plain `node` from the
 * built `dist/` (no tsx), started like `corral extender --kubeconfig ...`, listing and watching
 * every kind. Once /readyz answers 200 and BENCH_SETTLE_MS have passed (default 40 s: V8's memory
 * reducer compacts the heap the initial LIST left fragmented at about 40 s; at 15 s it has not yet, and
 * RSS reads 15-20 MiB higher), the child runs two full GCs (--expose-gc) half a second apart and
 * reports process.memoryUsage(); then it answers BENCH_CALLS filter + prioritize calls and reports
 * again. The same child with the nodes but no pods gives the process's floor.
 *
 * Knobs (environment): BENCH_NODE_FLAGS (node flags of the child, e.g. the Deployment's
 * `--max-semi-space-size=8 --max-old-space-size=384`); BENCH_ENTRY `cli` (default: the `corral`
 * command, as deployed; it imports only the extender's code) or `extender` (the package alone);
 * BENCH_CALLS (default 3,000). The child inherits this process's environment, e.g. glibc's
 * MALLOC_MMAP_THRESHOLD_ (set in the Deployment).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fakeKubeConfig,
  startFakeApiServer,
  type FakeApiServer,
  type KubeObject,
} from '../test/integration/fake-apiserver/index.js';
import { ask } from './ask-child.js';
import { clusterObjects, filterBodies, NODES, podsOfNode, prioritizeBody } from './extender-bench-cluster.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
const ENTRY = process.env['BENCH_ENTRY'] === 'extender' ? 'extender' : 'cli';
const CALLS = Number(process.env['BENCH_CALLS'] ?? 3_000);
const SETTLE_MS = Number(process.env['BENCH_SETTLE_MS'] ?? 40_000);

/** The child: the extender from dist/, plus an IPC hook that measures memory after forced GCs. */
const CHILD = `
const [kubeconfig, entry] = process.argv.slice(-2);
const args = ['--kubeconfig', kubeconfig, '--log-level', 'fatal'];
const env = { CORRAL_EXTENDER_DRAIN_DELAY_MS: '0' };
process.on('message', async (message) => {
  if (message === 'stop') process.exit(0);
  if (message === 'memory') {
    // Two full GCs half a second apart (V8 releases freed pages in the background in between).
    for (let i = 0; i < 2; i++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    process.send({ memory: process.memoryUsage() });
    if (process.env.BENCH_SMAPS) {
      const text = (await import('node:fs')).readFileSync('/proc/self/smaps', 'utf8');
      const rows = []; let name = '';
      for (const line of text.split('\\n')) {
        const head = /^[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\S+\\s*(.*)$/.exec(line);
        if (head) name = head[1] || '(anon)';
        const rss = /^Rss:\\s+(\\d+) kB/.exec(line);
        if (rss && Number(rss[1]) > 1024) rows.push(name + ' ' + rss[1] + ' kB');
      }
      console.error(rows.join('\\n'));
    }
  }
});
if (entry === 'cli') {
  const { runCli } = await import('@corral/cli');
  const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env };
  void runCli(['extender', ...args, '--listen', '127.0.0.1:18888'], io);
  process.send({ port: 18888 });
} else {
  const { loadExtenderConfig, runExtender } = await import('@corral/scheduler-extender');
  const running = await runExtender(loadExtenderConfig([...args, '--listen', '127.0.0.1:0'], env), process.cwd());
  process.send({ port: Number(running.address.split(':').at(-1)) });
}
`;

async function loadCluster(api: FakeApiServer, pods: boolean): Promise<number> {
  let count = 0;
  for (const { items } of clusterObjects()) for (const item of items) api.upsert(item as KubeObject);
  if (!pods) return 0;
  for (let i = 0; i < NODES; i += 1)
    for (const pod of podsOfNode(i)) {
      api.upsert(pod as KubeObject);
      count += 1;
    }
  return count;
}

function startChild(kubeconfig: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...NODE_FLAGS, '--input-type=module', '-e', CHILD, kubeconfig, ENTRY],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`extender exited ${code}`)));
  });
}

async function untilReady(port: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return Date.now() - start;
    if (Date.now() - start > 300_000) throw new Error('the extender never became ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function serve(port: number): Promise<void> {
  const post = async (path: string, body: string) =>
    (await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }).then((r) => r.json())) as { NodeNames: string[] | null };
  for (const { body, pod } of filterBodies(CALLS, 500)) {
    const names = (await post('/scheduler/filter', body)).NodeNames ?? [];
    if (names.length > 1) await post('/scheduler/prioritize', prioritizeBody(pod, names));
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const row = (label: string, m: NodeJS.MemoryUsage) =>
  `| ${label} | ${mib(m.rss)} | ${mib(m.heapUsed)} | ${mib(m.heapTotal)} | ${mib(m.external + m.arrayBuffers)} |`;

async function measure(dir: string, pods: boolean): Promise<string[]> {
  const api = await startFakeApiServer();
  const child = { current: undefined as ChildProcess | undefined };
  try {
    const count = await loadCluster(api, pods);
    const kubeconfig = join(dir, `kubeconfig-${pods ? 'full' : 'empty'}`);
    await writeFile(kubeconfig, fakeKubeConfig(api.url, 'bench-token').exportConfig());
    const started = await startChild(kubeconfig);
    child.current = started.child;
    const readyMs = await untilReady(started.port);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const label = pods ? `${NODES} nodes, ${count} pods` : `${NODES} nodes, no pods`;
    const rows = [
      row(
        `${label}: synced in ${(readyMs / 1000).toFixed(1)} s, idle`,
        await ask(started.child, 'memory', 'memory'),
      ),
    ];
    if (pods) {
      await serve(started.port);
      rows.push(
        row(`${label}: after ${CALLS} filter + prioritize`, await ask(started.child, 'memory', 'memory')),
      );
    }
    return rows;
  } finally {
    child.current?.send('stop');
    await api.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'corral-extender-memory-'));
try {
  console.log(
    `entry: ${ENTRY}; child node flags: ${NODE_FLAGS.join(' ') || '(none)'}; RSS after two forced GCs`,
  );
  console.log('\n| extender process | RSS | heap used | heap total | external + array buffers |');
  console.log('|---|---|---|---|---|');
  for (const line of [...(await measure(dir, false)), ...(await measure(dir, true))]) console.log(line);
} finally {
  await rm(dir, { recursive: true, force: true });
}

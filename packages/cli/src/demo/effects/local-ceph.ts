import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript } from './ceph-script.js';
import { SignalGuard, type SignalProcess } from './signal-guard.js';

/**
 * The local one-node Ceph of `scripts/ceph-local.sh` (docs/ceph-local.md), as the demo uses it: if it is
 * already running and ready, use it and leave it running; otherwise start it when Debian's Ceph is
 * installed (`make demo` installs it) and stop it again at the end, also when the start fails, is
 * interrupted (Ctrl-C, SIGTERM) or its connection cannot be read. Anything that prevents this becomes a
 * reason to skip the storage part, never a crash.
 */
export interface CephConnection {
  /** The mon, host:port. */
  readonly mon: string;
  readonly pool: string;
  /** client.csi: its name (without `client.`), bare base64 key, and keyring file. */
  readonly userID: string;
  readonly userKey: string;
  readonly keyring: string;
  readonly fsid?: string;
}

export type LocalCeph =
  | { readonly ok: true; readonly ceph: CephConnection; readonly startedHere: boolean; stop(): Promise<void> }
  | { readonly ok: false; readonly reason: string };

/** scripts/ceph-local.sh at the repository root (src/demo/effects and dist/demo/effects sit alike). */
export const CEPH_LOCAL_SCRIPT = fileURLToPath(
  new URL('../../../../../scripts/ceph-local.sh', import.meta.url),
);
const BINARIES = ['ceph-mon', 'ceph-mgr', 'ceph-osd', 'rbd-fuse'];

type Env = Readonly<Record<string, string | undefined>>;

async function onPath(binary: string, env: Env): Promise<boolean> {
  for (const dir of (env['PATH'] ?? '/usr/bin:/bin').split(delimiter)) {
    if (
      await access(join(dir, binary), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** Parses the `export NAME='value'` lines of `ceph-local.sh env`. */
export function parseCephEnv(text: string): CephConnection | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!match?.[1] || match[2] === undefined) continue;
    const raw = match[2];
    values.set(match[1], raw.startsWith("'") ? raw.slice(1, -1).split(`'\\''`).join("'") : raw);
  }
  const mon = values.get('CORRAL_CEPH_MON');
  const userKey = values.get('CORRAL_CEPH_CSI_KEY');
  const keyring = values.get('CORRAL_CEPH_CSI_KEYRING');
  const pool = values.get('CORRAL_CEPH_POOL');
  if (!mon || !userKey || !keyring || !pool) return undefined;
  const fsid = values.get('CORRAL_CEPH_FSID');
  return { mon, pool, userID: 'csi', userKey, keyring, ...(fsid ? { fsid } : {}) };
}

const lastLines = (text: string, count = 3): string =>
  text.trim().split('\n').slice(-count).join(' / ') || '(no output)';

/** Where the script is, and the process whose signals are held while Ceph starts or stops (tests swap both). */
export interface LocalCephHost {
  readonly script?: string;
  readonly process?: SignalProcess;
}

/**
 * Finds or starts the local Ceph; `env` is handed to the script (CORRAL_CEPH_DIR, _MON_PORT…). A
 * Ctrl-C while Ceph starts ends the start, stops what it had started, and then ends the process.
 */
export async function openLocalCeph(
  env: Env,
  progress: (text: string) => void = () => undefined,
  host: LocalCephHost = {},
): Promise<LocalCeph> {
  const script = host.script ?? CEPH_LOCAL_SCRIPT;
  if (!(await exists(script))) {
    return { ok: false, reason: `${script} is missing (run the demo from a Corral checkout)` };
  }
  if ((await runScript(script, 'status', { env, timeoutMs: 60_000 })).code === 0) {
    return connect(script, env, false, host.process);
  }
  const missing = [];
  for (const binary of BINARIES) if (!(await onPath(binary, env))) missing.push(binary);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `Ceph is not installed (no ${missing.join(', ')}): \`make demo\` installs Debian's Ceph as root, or run \`bash scripts/ceph-local.sh install\``,
    };
  }
  progress('Starting a local one-node Ceph (scripts/ceph-local.sh start; stopped again at the end)...\n');
  return startAndConnect(script, env, progress, host.process);
}

/**
 * `start` then `env`, holding Ctrl-C: a signal ends the start, and a start that failed or was
 * interrupted is stopped again (never a half-started cluster left behind) before the signal is passed on.
 */
async function startAndConnect(
  script: string,
  env: Env,
  progress: (text: string) => void,
  host: SignalProcess | undefined,
): Promise<LocalCeph> {
  const guard = new SignalGuard(host, () =>
    progress('Interrupted: stopping the local Ceph this demo was starting, then exiting...\n'),
  );
  try {
    const started = await runScript(script, 'start', { env, timeoutMs: 300_000, signal: guard.signal });
    const local: LocalCeph =
      started.code === 0
        ? await connect(script, env, true, host)
        : { ok: false, reason: `scripts/ceph-local.sh start failed: ${lastLines(started.stderr)}` };
    if (local.ok && !guard.received) return local;
    await runScript(script, 'stop', { env, timeoutMs: 120_000 });
    if (!guard.received) return local;
    return {
      ok: false,
      reason: `interrupted (${guard.received}) while the local Ceph was starting; what had started is stopped`,
    };
  } finally {
    guard.release();
  }
}

/** Reads the connection from `env`; `stop()` stops the cluster only if this demo started it. */
async function connect(
  script: string,
  env: Env,
  startedHere: boolean,
  host: SignalProcess | undefined,
): Promise<LocalCeph> {
  const printed = await runScript(script, 'env', { env, timeoutMs: 60_000 });
  const ceph = printed.code === 0 ? parseCephEnv(printed.stdout) : undefined;
  if (!ceph) return { ok: false, reason: `scripts/ceph-local.sh env failed: ${lastLines(printed.stderr)}` };
  return {
    ok: true,
    ceph,
    startedHere,
    stop: async () => {
      if (startedHere) await stopCeph(script, env, host);
    },
  };
}

/** `stop`, holding Ctrl-C until the cluster is down (then passing it on). */
async function stopCeph(script: string, env: Env, host: SignalProcess | undefined): Promise<void> {
  const guard = new SignalGuard(host);
  try {
    const stopped = await runScript(script, 'stop', { env, timeoutMs: 120_000 });
    if (stopped.code !== 0)
      throw new Error(`scripts/ceph-local.sh stop failed: ${lastLines(stopped.stderr)}`);
  } finally {
    guard.release();
  }
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The local one-node Ceph of `scripts/ceph-local.sh` (docs/ceph-local.md), as the demo uses it: if it is
 * already running and ready, use it and leave it running; otherwise start it when Debian's Ceph is
 * installed (`make demo` installs it) and stop it again at the end. Anything that prevents this becomes
 * a reason to skip the storage part, never a crash.
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

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(command: string, env: Env, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [CEPH_LOCAL_SCRIPT, command],
      { env: { ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

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

/** Finds or starts the local Ceph; `env` is handed to the script (CORRAL_CEPH_DIR, _MON_PORT…). */
export async function openLocalCeph(
  env: Env,
  progress: (text: string) => void = () => undefined,
): Promise<LocalCeph> {
  if (
    !(await access(CEPH_LOCAL_SCRIPT).then(
      () => true,
      () => false,
    ))
  ) {
    return { ok: false, reason: `${CEPH_LOCAL_SCRIPT} is missing (run the demo from a Corral checkout)` };
  }
  let startedHere = false;
  if ((await runScript('status', env, 60_000)).code !== 0) {
    const missing = [];
    for (const binary of BINARIES) if (!(await onPath(binary, env))) missing.push(binary);
    if (missing.length > 0) {
      return {
        ok: false,
        reason: `Ceph is not installed (no ${missing.join(', ')}): \`make demo\` installs Debian's Ceph as root, or run \`bash scripts/ceph-local.sh install\``,
      };
    }
    progress('Starting a local one-node Ceph (scripts/ceph-local.sh start; stopped again at the end)...\n');
    const started = await runScript('start', env, 300_000);
    if (started.code !== 0) {
      await runScript('stop', env, 120_000); // do not leave a half-started cluster behind
      return { ok: false, reason: `scripts/ceph-local.sh start failed: ${lastLines(started.stderr)}` };
    }
    startedHere = true;
  }
  const printed = await runScript('env', env, 60_000);
  const ceph = printed.code === 0 ? parseCephEnv(printed.stdout) : undefined;
  if (!ceph) return { ok: false, reason: `scripts/ceph-local.sh env failed: ${lastLines(printed.stderr)}` };
  return {
    ok: true,
    ceph,
    startedHere,
    stop: async () => {
      if (!startedHere) return;
      const stopped = await runScript('stop', env, 120_000);
      if (stopped.code !== 0)
        throw new Error(`scripts/ceph-local.sh stop failed: ${lastLines(stopped.stderr)}`);
    },
  };
}

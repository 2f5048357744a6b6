// Test support for a real one-node Ceph cluster on 127.0.0.1, driven by scripts/ceph-local.sh
// (see docs/ceph-local.md). Nothing here goes through a shell: every command is an argument list.
import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const CEPH_LOCAL_SCRIPT = fileURLToPath(new URL('../../scripts/ceph-local.sh', import.meta.url));

/** What `ceph-local.sh env` prints, typed. */
export interface CephEnv {
  /** CEPH_CONF: the cluster's ceph.conf. */
  conf: string;
  /** CORRAL_CEPH_DIR: the state dir. */
  dir: string;
  adminKeyring: string;
  csiKeyring: string;
  /** client.csi's bare base64 key, what a CSI secret's userKey holds. */
  csiKey: string;
  /** The mon's address, host:port (msgr2). */
  mon: string;
  fsid: string;
  pool: string;
}

/** Where the cluster lives; unset fields fall back to the script's defaults (or the caller's env). */
export interface CephOptions {
  dir?: string;
  monPort?: number;
  /** Seconds `start` may take to reach ready. */
  startTimeoutSeconds?: number;
}

export interface CliResult {
  /** Exit code; -1 if the process was killed by a signal (for example on timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export type CephTool = 'ceph' | 'rbd' | 'rados';

const ENV_KEYS: Record<string, keyof CephEnv> = {
  CEPH_CONF: 'conf',
  CORRAL_CEPH_DIR: 'dir',
  CORRAL_CEPH_ADMIN_KEYRING: 'adminKeyring',
  CORRAL_CEPH_CSI_KEYRING: 'csiKeyring',
  CORRAL_CEPH_CSI_KEY: 'csiKey',
  CORRAL_CEPH_MON: 'mon',
  CORRAL_CEPH_FSID: 'fsid',
  CORRAL_CEPH_POOL: 'pool',
};

interface ExecFailure {
  code?: number | string | null;
  stdout?: string;
  stderr?: string;
}

/** Runs a program; a non-zero exit is a result, not an exception (a missing program still throws). */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, {
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failure = err as ExecFailure;
    if (typeof failure.code === 'string') throw err;
    return {
      code: typeof failure.code === 'number' ? failure.code : -1,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

function scriptEnv(options: CephOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.dir !== undefined) env.CORRAL_CEPH_DIR = options.dir;
  if (options.monPort !== undefined) env.CORRAL_CEPH_MON_PORT = String(options.monPort);
  if (options.startTimeoutSeconds !== undefined) {
    env.CORRAL_CEPH_TIMEOUT = String(options.startTimeoutSeconds);
  }
  return env;
}

/** Runs `scripts/ceph-local.sh <command>` and returns its result, whatever the exit code. */
export function runCephLocal(
  command: 'install' | 'start' | 'stop' | 'status' | 'env' | 'purge',
  options: CephOptions = {},
): Promise<CliResult> {
  const timeoutMs = ((options.startTimeoutSeconds ?? 120) + 600) * 1000;
  return runCommand('bash', [CEPH_LOCAL_SCRIPT, command], { env: scriptEnv(options), timeoutMs });
}

async function runOrThrow(command: 'start' | 'stop' | 'env' | 'purge', options: CephOptions) {
  const result = await runCephLocal(command, options);
  if (result.code !== 0) {
    throw new Error(`ceph-local.sh ${command} exited ${result.code}:\n${result.stderr}`);
  }
  return result;
}

/** Undoes the single quoting `ceph-local.sh env` applies ('it'\''s' → it's). */
function unquote(value: string): string {
  if (!value.startsWith("'")) return value;
  return value.slice(1, -1).split(`'\\''`).join("'");
}

/** Parses the `export NAME='value'` lines of `ceph-local.sh env`. */
export function parseCephEnv(text: string): CephEnv {
  const found: Partial<CephEnv> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    const key = match?.[1] === undefined ? undefined : ENV_KEYS[match[1]];
    if (match?.[2] !== undefined && key !== undefined) found[key] = unquote(match[2]);
  }
  const missing = Object.entries(ENV_KEYS).filter(([, key]) => !found[key]);
  if (missing.length > 0) {
    throw new Error(`ceph-local.sh env lacks ${missing.map(([name]) => name).join(', ')}`);
  }
  return found as CephEnv;
}

/** Reads the env of an existing cluster (the files in its state dir). */
export async function readCephEnv(options: CephOptions = {}): Promise<CephEnv> {
  return parseCephEnv((await runOrThrow('env', options)).stdout);
}

/** Starts the cluster (if it runs already, waits for it to serve instead) and returns its env. */
export async function startCeph(options: CephOptions = {}): Promise<CephEnv> {
  await runOrThrow('start', options);
  return readCephEnv(options);
}

export async function stopCeph(options: CephOptions = {}): Promise<void> {
  await runOrThrow('stop', options);
}

/** Stops the cluster and removes its state dir. */
export async function purgeCeph(options: CephOptions = {}): Promise<void> {
  await runOrThrow('purge', options);
}

/**
 * Runs `ceph`, `rbd` or `rados` against the cluster as client.admin (default) or client.csi:
 * cephCli(env, ['rbd', 'create', '--size', '16', 'rbd/img'], { user: 'csi' }).
 * Never throws on a non-zero exit, so that tests can assert refusals.
 */
export function cephCli(
  env: CephEnv,
  [tool, ...args]: readonly [CephTool, ...string[]],
  options: { user?: 'admin' | 'csi'; timeoutMs?: number } = {},
): Promise<CliResult> {
  const user = options.user ?? 'admin';
  const keyring = user === 'csi' ? env.csiKeyring : env.adminKeyring;
  const common = ['-c', env.conf, '--id', user, '--keyring', keyring];
  const connect = tool === 'ceph' ? ['--connect-timeout', '30'] : [];
  return runCommand(tool, [...common, ...connect, ...args], { timeoutMs: options.timeoutMs ?? 60_000 });
}

/** The RBD images of `pool` (in RADOS `namespace` when given), as `rbd ls` lists them. */
export async function rbdImages(env: CephEnv, pool: string, namespace?: string): Promise<string[]> {
  const out = await cephCli(env, [
    'rbd',
    'ls',
    '--pool',
    pool,
    ...(namespace ? ['--namespace', namespace] : []),
  ]);
  if (out.code !== 0) throw new Error(`rbd ls ${pool}: ${out.stderr}`);
  return out.stdout.split('\n').filter((line) => line !== '');
}

/**
 * The names of every snapshot of an image (`pool/image` or `pool/namespace/image`), those in the
 * trash included (`rbd snap ls --all`).
 */
export async function rbdSnapshots(env: CephEnv, imageSpec: string): Promise<string[]> {
  const out = await cephCli(env, ['rbd', 'snap', 'ls', '--all', '--format', 'json', imageSpec]);
  if (out.code !== 0) throw new Error(`rbd snap ls ${imageSpec}: ${out.stderr}`);
  return (JSON.parse(out.stdout) as { name: string }[]).map((snap) => snap.name);
}

/**
 * Writes the first `mib` MiB of an image (`pool/image`) in 4 MiB sequential writes (`rbd bench`), so
 * that each of its objects holds data (a clone's flatten then copies every one).
 */
export async function rbdFill(env: CephEnv, imageSpec: string, mib: number): Promise<void> {
  const bench = ['bench', '--io-type', 'write', '--io-size', '4M', '--io-total', `${mib}M`];
  const out = await cephCli(env, ['rbd', ...bench, '--io-pattern', 'seq', imageSpec]);
  if (out.code !== 0) throw new Error(`rbd bench ${imageSpec}: ${out.stderr}`);
}

export interface CephDaemon {
  pid: number;
  /** ceph-mon, ceph-mgr or ceph-osd. */
  program: string;
  args: string[];
}

/** The live ceph-mon/mgr/osd processes whose command line mentions `dir` (zombies excluded). */
export async function cephDaemons(dir: string): Promise<CephDaemon[]> {
  const daemons: CephDaemon[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const [argv0 = '', ...args] = cmdline.split('\0').filter((arg) => arg !== '');
    const program = argv0.split('/').pop() ?? '';
    if (/^ceph-(mon|mgr|osd)$/.test(program) && args.some((arg) => arg.includes(dir))) {
      daemons.push({ pid: Number(entry), program, args });
    }
  }
  return daemons;
}

export interface ListeningSocket {
  address: string;
  port: number;
}

/** Decodes a /proc/net/tcp{,6} address ("0100007F:33E4") into address and port. */
function decodeProcAddress(hex: string): ListeningSocket {
  const [host = '', port = '0'] = hex.split(':');
  const words = host.match(/.{8}/g) ?? [];
  // Each 32-bit word is in host (little-endian) byte order.
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  const address =
    bytes.length === 4
      ? bytes.join('.')
      : Array.from({ length: 8 }, (_, i) =>
          (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16),
        ).join(':');
  return { address, port: parseInt(port, 16) };
}

/** The TCP sockets process `pid` listens on, read from /proc (IPv6 addresses uncompressed). */
export async function listeningSockets(pid: number): Promise<ListeningSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      const [, local, , state, , , , , , inode] = fields;
      if (state === '0A' && local !== undefined && inode !== undefined && inodes.has(inode)) {
        sockets.push(decodeProcAddress(local));
      }
    }
  }
  return sockets;
}

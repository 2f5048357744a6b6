/**
 * The CSI driver's configuration, read once (STYLE.md #7): flags, env `CORRAL_CSI_*`, optional YAML
 * file; validated with every problem listed at once; frozen.
 */
import {
  configHelp,
  listenAddressCheck,
  loadConfig,
  LogLevelSchema,
  shutdownTimeoutSchema,
  type DeepReadonly,
  type FlagSpec,
  type LoadConfigSpec,
} from '@corral/runtime';
import { Type, type Static } from '@sinclair/typebox';

export const DRIVER_NAME = 'rbd.csi.corral.dev';

/** 10 minutes: longer than any sidecar waits for a call (external-provisioner's --timeout and the like). */
const MAX_SLOW_OP_MS = 600_000;

export const CsiConfigSchema = Type.Object({
  role: Type.Union([Type.Literal('controller'), Type.Literal('node')], {
    description: 'Which CSI services to serve.',
  }),
  endpoint: Type.String({ pattern: '^unix://', description: 'gRPC endpoint, unix:///path.sock.' }),
  clusterConfig: Type.String({
    minLength: 1,
    description: 'JSON list of {clusterID, monitors, rbd: {radosNamespace}}.',
  }),
  nodeId: Type.Optional(Type.String({ minLength: 1, description: 'This node’s name (node role).' })),
  policies: Type.Optional(
    Type.String({ minLength: 1, description: 'YAML policies (Departments) for tenant isolation.' }),
  ),
  kubeconfig: Type.Optional(
    Type.String({ minLength: 1, description: 'kubeconfig path; "in-cluster" inside a pod.' }),
  ),
  cephConf: Type.Optional(
    Type.String({ minLength: 1, description: 'ceph.conf read before the settings the driver sets.' }),
  ),
  keyring: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Keyring for RPCs that carry no secrets (GetCapacity, ListVolumes).',
    }),
  ),
  listen: Type.String({
    description: 'HOST:PORT of /healthz /readyz /metrics (:PORT: every interface, IPv6 and IPv4).',
  }),
  mounter: Type.Union([Type.Literal('krbd'), Type.Literal('rbd-nbd'), Type.Literal('fuse')], {
    description:
      'Node mounter: krbd (rbd device map), rbd-nbd, or fuse (rbd-fuse + loop device, no kernel module).',
  }),
  topologyLabels: Type.Array(Type.String({ minLength: 1 }), {
    description: 'Node label keys reported as CSI topology by NodeGetInfo (node role; needs --kubeconfig).',
  }),
  cephTimeoutSeconds: Type.Integer({
    minimum: 1,
    maximum: 300,
    description:
      'Seconds a Ceph connect or mon/osd operation may take; past it the call answers UNAVAILABLE.',
  }),
  maxVolumesPerNode: Type.Integer({
    minimum: 0,
    description: 'Volumes this node may attach, as NodeGetInfo reports it (node role); 0: no limit.',
  }),
  logLevel: LogLevelSchema,
  slowOpMs: Type.Integer({
    minimum: 1,
    maximum: MAX_SLOW_OP_MS,
    description: 'Log a call that takes longer than this as slow.',
  }),
  shutdownTimeoutMs: shutdownTimeoutSchema(false),
});

export type CsiConfig = DeepReadonly<Static<typeof CsiConfigSchema>>;

export const CSI_DEFAULTS = {
  listen: ':9680',
  mounter: 'krbd' as const,
  topologyLabels: [] as string[],
  cephTimeoutSeconds: 10,
  maxVolumesPerNode: 0,
  logLevel: 'info' as const,
  slowOpMs: 5_000,
  shutdownTimeoutMs: 25_000,
};

export const CSI_FLAGS: FlagSpec = {
  role: 'role',
  endpoint: 'endpoint',
  'cluster-config': 'clusterConfig',
  'node-id': 'nodeId',
  policies: 'policies',
  kubeconfig: 'kubeconfig',
  'ceph-conf': 'cephConf',
  keyring: 'keyring',
  listen: 'listen',
  mounter: 'mounter',
  'topology-labels': 'topologyLabels',
  'ceph-timeout': 'cephTimeoutSeconds',
  'max-volumes-per-node': 'maxVolumesPerNode',
  'log-level': 'logLevel',
  'slow-op-ms': 'slowOpMs',
  'shutdown-timeout-ms': 'shutdownTimeoutMs',
};

/** What loadCsiConfig and csiHelp both read: one source, so the help cannot drift. */
const CSI_CONFIG: LoadConfigSpec<typeof CsiConfigSchema> = {
  schema: CsiConfigSchema,
  defaults: CSI_DEFAULTS,
  flags: CSI_FLAGS,
  envPrefix: 'CORRAL_CSI_',
  checks: { listen: listenAddressCheck() },
  refine: (config) => [
    ...(config.role === 'node' && !config.nodeId ? ['--node-id is required with --role node'] : []),
    ...(config.topologyLabels.length > 0 && !config.kubeconfig
      ? ['--topology-labels needs --kubeconfig (the node plugin reads its Node object once)']
      : []),
  ],
};

/** Reads the driver's configuration (the only reader of env); every problem at once. */
export function loadCsiConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CsiConfig {
  return loadConfig({ ...CSI_CONFIG, argv, env });
}

/** `corral csi --help`: generated from the schema, flags, defaults and env prefix above. */
export function csiHelp(): string {
  return configHelp(CSI_CONFIG, {
    usage: 'corral csi --role controller|node --endpoint unix:///path.sock --cluster-config F [flags]',
    summary: 'Serves the CSI driver for Ceph RBD (controller or node role) on a unix socket until SIGTERM.',
  });
}

/** The socket path of a `unix:///path.sock` endpoint. */
export function socketPath(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '');
}

/** What a shutdown keeps, after the grace period of the running calls, for the steps that follow. */
export const SHUTDOWN_RESERVE_MS = 3_000;

/**
 * How long running gRPC calls may finish on shutdown before the server is forced closed: below
 * `--shutdown-timeout-ms`, which bounds the WHOLE shutdown, so that the steps after it (the ops
 * server, the tenant watch, closing the Ceph connections) still run before the deadline exits the
 * process. The timeout less SHUTDOWN_RESERVE_MS, or half of it when that is more (short timeouts).
 */
export function grpcGraceMs(shutdownTimeoutMs: number): number {
  return Math.max(Math.floor(shutdownTimeoutMs / 2), shutdownTimeoutMs - SHUTDOWN_RESERVE_MS);
}

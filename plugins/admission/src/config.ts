import { Type, type Static } from '@sinclair/typebox';
import { listenAddressCheck, loadConfig, type DeepReadonly, LogLevelSchema } from '@corral/runtime';

/**
 * The admission service's configuration: the ONE place that reads flags and env (CORRAL_ADMISSION_*),
 * validated, defaults from one object, frozen, and every problem listed at once.
 */
export const AdmissionConfigSchema = Type.Object({
  policies: Type.Optional(Type.String({ minLength: 1, description: 'YAML file or folder of policies.' })),
  kubeconfig: Type.Optional(
    Type.String({ minLength: 1, description: 'kubeconfig file; default in-cluster.' }),
  ),
  inCluster: Type.Boolean({ description: 'Use the pod service account when no kubeconfig is given.' }),
  listen: Type.String({ description: 'HOST:PORT to serve HTTPS on.' }),
  tls: Type.Object({
    cert: Type.Optional(Type.String({ minLength: 1 })),
    key: Type.Optional(Type.String({ minLength: 1 })),
  }),
  systemNamespaces: Type.Array(Type.String({ minLength: 1 }), {
    description: 'Namespaces the webhooks never act on.',
  }),
  gpuResources: Type.Array(Type.String({ minLength: 1 })),
  deadlineMs: Type.Integer({
    minimum: 50,
    maximum: 29_000,
    description: 'Answer within this; below timeoutSeconds.',
  }),
  reservationTtlSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  sharedQuota: Type.Boolean({ description: 'With a cluster, share quota reservations through Leases.' }),
  departmentStatus: Type.Boolean({ description: 'With a cluster, keep Department status.used current.' }),
  leaseNamespace: Type.String({ minLength: 1, maxLength: 63, description: 'Where the quota Leases live.' }),
  shutdownTimeoutMs: Type.Integer({ minimum: 100 }),
  drainDelayMs: Type.Integer({ minimum: 0 }),
  logLevel: LogLevelSchema,
});

export type AdmissionConfig = DeepReadonly<Static<typeof AdmissionConfigSchema>>;

export const ADMISSION_DEFAULTS = {
  inCluster: false,
  listen: '0.0.0.0:8443',
  tls: {},
  systemNamespaces: ['kube-system', 'corral-system'],
  gpuResources: ['nvidia.com/gpu'],
  deadlineMs: 8000,
  reservationTtlSeconds: 60,
  sharedQuota: true,
  departmentStatus: true,
  leaseNamespace: 'corral-system',
  shutdownTimeoutMs: 25_000,
  drainDelayMs: 2000,
  logLevel: 'info' as const,
};

export const ADMISSION_FLAGS = {
  policies: 'policies',
  kubeconfig: 'kubeconfig',
  'in-cluster': 'inCluster',
  listen: 'listen',
  'tls-cert': 'tls.cert',
  'tls-key': 'tls.key',
  'system-namespaces': 'systemNamespaces',
  'gpu-resources': 'gpuResources',
  'deadline-ms': 'deadlineMs',
  'reservation-ttl-seconds': 'reservationTtlSeconds',
  'shared-quota': 'sharedQuota',
  'department-status': 'departmentStatus',
  'lease-namespace': 'leaseNamespace',
  'shutdown-timeout-ms': 'shutdownTimeoutMs',
  'drain-delay-ms': 'drainDelayMs',
  'log-level': 'logLevel',
};

function crossChecks(config: Static<typeof AdmissionConfigSchema>): string[] {
  const problems: string[] = [];
  if (!config.policies && !config.kubeconfig && !config.inCluster) {
    problems.push('give --policies PATH, --kubeconfig PATH or --in-cluster: the webhooks need policies');
  }
  if (Boolean(config.tls.cert) !== Boolean(config.tls.key)) {
    problems.push('give both --tls-cert and --tls-key (or neither, for plain HTTP in local tests)');
  }
  return problems;
}

/** Given argv (after `admission`) and env, returns the frozen configuration or throws listing every problem. */
export function loadAdmissionConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): AdmissionConfig {
  return loadConfig({
    schema: AdmissionConfigSchema,
    defaults: ADMISSION_DEFAULTS,
    flags: ADMISSION_FLAGS,
    envPrefix: 'CORRAL_ADMISSION_',
    argv,
    env,
    rejectUnknownEnv: true,
    checks: { listen: listenAddressCheck({ allow: ['tcp'] }) },
    refine: crossChecks,
  });
}

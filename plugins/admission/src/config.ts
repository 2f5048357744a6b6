import { Type, type Static } from '@sinclair/typebox';
import {
  configHelp,
  drainDelayProblem,
  listenAddressCheck,
  loadConfig,
  type DeepReadonly,
  type LoadConfigSpec,
  LogLevelSchema,
  drainDelaySchema,
  shutdownTimeoutSchema,
  clientCertificateFlagProblems,
  DEFAULT_MAX_CONNECTIONS,
  maxConnectionsSchema,
} from '@corral/runtime';

const DNS_NAME = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$';
const objectName = (description: string) =>
  Type.String({ minLength: 1, maxLength: 253, pattern: DNS_NAME, description });

/**
 * The self-signed certificate bootstrap (docs/adr/0015): on when `secret` is set. The service keeps a
 * CA and a serving certificate in that Secret, writes the pair to --tls-cert/--tls-key and keeps the
 * caBundle of the named webhook configurations equal to the CA bundle.
 */
const TlsBootstrapSchema = Type.Object({
  secret: Type.Optional(objectName('Secret holding the CA and serving certificate; enables the bootstrap.')),
  namespace: Type.String({
    minLength: 1,
    maxLength: 63,
    pattern: DNS_NAME,
    description: 'Namespace of the Secret and of the Service.',
  }),
  service: objectName('The Service the webhooks call; names <service>.<namespace>.svc.'),
  dnsNames: Type.Array(Type.String({ minLength: 1, pattern: DNS_NAME }), {
    description: 'Extra DNS names for the serving certificate.',
  }),
  mutatingWebhooks: Type.Array(objectName('A MutatingWebhookConfiguration to keep the caBundle of.'), {
    description: 'MutatingWebhookConfigurations whose caBundle the bootstrap keeps.',
  }),
  validatingWebhooks: Type.Array(objectName('A ValidatingWebhookConfiguration to keep the caBundle of.'), {
    description: 'ValidatingWebhookConfigurations whose caBundle the bootstrap keeps.',
  }),
  caValidityDays: Type.Integer({
    minimum: 3,
    maximum: 36_500,
    description: 'Lifetime of a CA the bootstrap makes; rotated at 2/3 of it.',
  }),
  certValidityDays: Type.Integer({
    minimum: 1,
    maximum: 3650,
    description: "Lifetime of a serving certificate; renewed at 2/3 of it, at most a third of the CA's.",
  }),
  resyncSeconds: Type.Integer({
    minimum: 1,
    maximum: 3600,
    description: 'Re-read the Secret and the webhook configurations at least this often.',
  }),
});

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
  listen: Type.String({
    description:
      'HOST:PORT to serve on (:PORT: every interface, IPv6 and IPv4): HTTPS with --tls-cert and ' +
      '--tls-key, else plain HTTP (local tests only).',
  }),
  tls: Type.Object({
    cert: Type.Optional(
      Type.String({ minLength: 1, description: 'Serving certificate (PEM), reloaded when it changes.' }),
    ),
    key: Type.Optional(Type.String({ minLength: 1, description: "The serving certificate's key (PEM)." })),
    clientCa: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'CA bundle (PEM) for client certificates, reloaded when it changes: /mutate and /validate then answer 403 to a caller without one it signed.',
      }),
    ),
    clientName: Type.Optional(
      Type.String({
        minLength: 1,
        description: "With --tls-client-ca: the client certificate's CN or a DNS/URI SAN must equal this.",
      }),
    ),
  }),
  tlsBootstrap: TlsBootstrapSchema,
  maxConnections: maxConnectionsSchema(),
  systemNamespaces: Type.Array(Type.String({ minLength: 1 }), {
    description: 'Namespaces the webhooks never act on.',
  }),
  gpuResources: Type.Array(Type.String({ minLength: 1 }), {
    description: 'Extended resources that make a pod a GPU workload.',
  }),
  schedulerName: Type.String({
    minLength: 1,
    maxLength: 253,
    pattern: DNS_NAME,
    description:
      'The scheduler that calls the extender (default-scheduler, or the second scheduler of deploy/overlays/second-scheduler).',
  }),
  departmentEditors: Type.Array(Type.String({ minLength: 1, pattern: '^(user|group):.+$' }), {
    description:
      'Who may move a namespace between departments (user:<name>, group:<name>); empty: whoever RBAC lets update the Namespace.',
  }),
  deadlineMs: Type.Integer({
    minimum: 50,
    maximum: 29_000,
    description: 'Answer within this; below timeoutSeconds.',
  }),
  reservationTtlSeconds: Type.Integer({
    minimum: 1,
    maximum: 3600,
    description: "How long an admitted object's quota reservation lasts if the cluster never shows it.",
  }),
  sharedQuota: Type.Boolean({ description: 'With a cluster, share quota reservations through Leases.' }),
  departmentStatus: Type.Boolean({
    description: 'With a cluster, keep policy status current (Valid condition; Department namespaces, used).',
  }),
  leaseNamespace: Type.String({ minLength: 1, maxLength: 63, description: 'Where the quota Leases live.' }),
  statusLease: Type.String({
    minLength: 1,
    maxLength: 253,
    pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
    description: 'Leader-election Lease of the policy status writer (in --lease-namespace).',
  }),
  events: Type.Boolean({ description: 'With a cluster, record Kubernetes Events where they help tenants.' }),
  shutdownTimeoutMs: shutdownTimeoutSchema(true),
  drainDelayMs: drainDelaySchema(),
  logLevel: LogLevelSchema,
});

export type AdmissionConfig = DeepReadonly<Static<typeof AdmissionConfigSchema>>;

export const ADMISSION_DEFAULTS = {
  inCluster: false,
  listen: ':8443',
  tls: {},
  tlsBootstrap: {
    namespace: 'corral-system',
    service: 'corral-admission',
    dnsNames: [],
    mutatingWebhooks: ['corral-admission'],
    validatingWebhooks: ['corral-admission'],
    caValidityDays: 3650,
    certValidityDays: 365,
    resyncSeconds: 60,
  },
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  systemNamespaces: ['kube-system', 'corral-system'],
  gpuResources: ['nvidia.com/gpu'],
  schedulerName: 'default-scheduler',
  departmentEditors: [],
  deadlineMs: 8000,
  reservationTtlSeconds: 60,
  sharedQuota: true,
  departmentStatus: true,
  leaseNamespace: 'corral-system',
  statusLease: 'corral-admission-status-writer',
  events: true,
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
  'tls-client-ca': 'tls.clientCa',
  'tls-client-name': 'tls.clientName',
  'tls-bootstrap-secret': 'tlsBootstrap.secret',
  'tls-bootstrap-namespace': 'tlsBootstrap.namespace',
  'tls-service': 'tlsBootstrap.service',
  'tls-dns-names': 'tlsBootstrap.dnsNames',
  'tls-mutating-webhooks': 'tlsBootstrap.mutatingWebhooks',
  'tls-validating-webhooks': 'tlsBootstrap.validatingWebhooks',
  'tls-ca-validity-days': 'tlsBootstrap.caValidityDays',
  'tls-cert-validity-days': 'tlsBootstrap.certValidityDays',
  'tls-resync-seconds': 'tlsBootstrap.resyncSeconds',
  'max-connections': 'maxConnections',
  'system-namespaces': 'systemNamespaces',
  'gpu-resources': 'gpuResources',
  'scheduler-name': 'schedulerName',
  'department-editors': 'departmentEditors',
  'deadline-ms': 'deadlineMs',
  'reservation-ttl-seconds': 'reservationTtlSeconds',
  'shared-quota': 'sharedQuota',
  'department-status': 'departmentStatus',
  'lease-namespace': 'leaseNamespace',
  'status-lease': 'statusLease',
  events: 'events',
  'shutdown-timeout-ms': 'shutdownTimeoutMs',
  'drain-delay-ms': 'drainDelayMs',
  'log-level': 'logLevel',
};

function bootstrapChecks(config: Static<typeof AdmissionConfigSchema>): string[] {
  const bootstrap = config.tlsBootstrap;
  if (!bootstrap.secret) return [];
  const problems: string[] = [];
  if (!config.tls.cert || !config.tls.key) {
    problems.push('--tls-bootstrap-secret needs --tls-cert and --tls-key: the files it writes the pair to');
  }
  if (!config.kubeconfig && !config.inCluster) {
    problems.push('--tls-bootstrap-secret needs a cluster: give --kubeconfig PATH or --in-cluster');
  }
  if (bootstrap.certValidityDays * 3 > bootstrap.caValidityDays) {
    problems.push(
      '--tls-cert-validity-days may be at most a third of --tls-ca-validity-days: the CA is rotated ' +
        'with a third of its lifetime left, and certificates it signed must not outlive it',
    );
  }
  return problems;
}

const SHUTDOWN_FLAGS = { timeout: '--shutdown-timeout-ms', drain: '--drain-delay-ms' };

function crossChecks(config: Static<typeof AdmissionConfigSchema>): string[] {
  const problems: string[] = [];
  if (!config.policies && !config.kubeconfig && !config.inCluster) {
    problems.push('give --policies PATH, --kubeconfig PATH or --in-cluster: the webhooks need policies');
  }
  if (Boolean(config.tls.cert) !== Boolean(config.tls.key)) {
    problems.push('give both --tls-cert and --tls-key (or neither, for plain HTTP in local tests)');
  }
  const drain = drainDelayProblem(config.shutdownTimeoutMs, config.drainDelayMs, SHUTDOWN_FLAGS);
  if (drain !== undefined) problems.push(drain);
  return [...problems, ...clientCertificateFlagProblems(config.tls), ...bootstrapChecks(config)];
}

/** What loadAdmissionConfig and admissionHelp both read: one source, so the help cannot drift. */
const ADMISSION_CONFIG: LoadConfigSpec<typeof AdmissionConfigSchema> = {
  schema: AdmissionConfigSchema,
  defaults: ADMISSION_DEFAULTS,
  flags: ADMISSION_FLAGS,
  envPrefix: 'CORRAL_ADMISSION_',
  rejectUnknownEnv: true,
  checks: { listen: listenAddressCheck({ allow: ['tcp'] }) },
  refine: crossChecks,
};

/** Given argv (after `admission`) and env, returns the frozen configuration or throws listing every problem. */
export function loadAdmissionConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): AdmissionConfig {
  return loadConfig({ ...ADMISSION_CONFIG, argv, env });
}

/** `corral admission --help`: generated from the schema, flags, defaults and env prefix above. */
export function admissionHelp(): string {
  return configHelp(ADMISSION_CONFIG, {
    usage: 'corral admission [flags]',
    summary:
      'Serves the admission webhooks (/mutate, /validate) until SIGTERM, over HTTPS with --tls-cert and ' +
      '--tls-key: without them over plain HTTP, which kube-apiserver cannot call (local tests only; a ' +
      'warning is logged). Needs --policies PATH, --kubeconfig PATH or --in-cluster.',
  });
}

import { DEFAULT_GPU_RESOURCES } from '@corral/cluster';
import {
  ConfigError,
  configHelp,
  drainDelayProblem,
  listenAddressCheck,
  loadConfig,
  type DeepReadonly,
  type FlagSpec,
  type LoadConfigSpec,
  LogLevelSchema,
  drainDelaySchema,
  shutdownTimeoutSchema,
  clientCertificateFlagProblems,
  DEFAULT_MAX_CONNECTIONS,
  maxConnectionsSchema,
} from '@corral/runtime';
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_SYSTEM_NAMESPACES } from './decide/decide-options.js';

/** The extender's options: flags `--policies --kubeconfig --listen ...`, env `CORRAL_EXTENDER_*`. */
export const ExtenderConfigSchema = Type.Object({
  policies: Type.Optional(
    Type.String({ minLength: 1, description: 'YAML file or folder of policies (and, alone, the cluster).' }),
  ),
  kubeconfig: Type.Optional(
    Type.String({ minLength: 1, description: 'kubeconfig path; in-cluster config when "in-cluster".' }),
  ),
  inCluster: Type.Boolean({ description: "Use the pod's service account (instead of --kubeconfig)." }),
  listen: Type.String({ description: 'HOST:PORT to serve on (:PORT: every interface, IPv6 and IPv4).' }),
  systemNamespaces: Type.Array(Type.String({ minLength: 1 }), {
    description: 'Namespaces passed through untouched.',
  }),
  gpuResources: Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'GPU resource names.',
  }),
  bind: Type.Boolean({ description: 'Serve the bind verb (creates pods/binding).' }),
  assumeTtlMs: Type.Integer({
    minimum: 1_000,
    description: 'How long a pod bound by --bind counts on its node before the watch shows it bound.',
  }),
  tls: Type.Object({
    cert: Type.Optional(
      Type.String({ minLength: 1, description: 'Serving certificate (PEM): serve HTTPS (with --tls-key).' }),
    ),
    key: Type.Optional(Type.String({ minLength: 1, description: "The serving certificate's key (PEM)." })),
    clientCa: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'CA bundle (PEM) for client certificates: /scheduler/* then answers 403 to a caller without one it signed.',
      }),
    ),
    clientName: Type.Optional(
      Type.String({
        minLength: 1,
        description: "With --tls-client-ca: the client certificate's CN or a DNS/URI SAN must equal this.",
      }),
    ),
  }),
  logLevel: LogLevelSchema,
  bodyLimitBytes: Type.Integer({ minimum: 1024, description: 'Largest request body; larger answers 413.' }),
  maxConnections: maxConnectionsSchema(),
  shutdownTimeoutMs: shutdownTimeoutSchema(true),
  drainDelayMs: drainDelaySchema(),
});

export type ExtenderConfig = DeepReadonly<Static<typeof ExtenderConfigSchema>>;

const TEN_MIB = 10 * 1024 * 1024;

export const EXTENDER_DEFAULTS = {
  inCluster: false,
  listen: ':8888',
  systemNamespaces: [...DEFAULT_SYSTEM_NAMESPACES],
  gpuResources: [...DEFAULT_GPU_RESOURCES],
  bind: false,
  assumeTtlMs: 30_000,
  tls: {},
  logLevel: 'info' as const,
  bodyLimitBytes: TEN_MIB,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  shutdownTimeoutMs: 25_000,
  drainDelayMs: 2_000,
};

export const EXTENDER_FLAGS: FlagSpec = {
  policies: 'policies',
  kubeconfig: 'kubeconfig',
  'in-cluster': 'inCluster',
  listen: 'listen',
  'system-namespaces': 'systemNamespaces',
  'gpu-resources': 'gpuResources',
  bind: 'bind',
  'assume-ttl-ms': 'assumeTtlMs',
  'tls-cert': 'tls.cert',
  'tls-key': 'tls.key',
  'tls-client-ca': 'tls.clientCa',
  'tls-client-name': 'tls.clientName',
  'log-level': 'logLevel',
  'body-limit': 'bodyLimitBytes',
  'max-connections': 'maxConnections',
};

/** What loadExtenderConfig and extenderHelp both read: one source, so the help cannot drift. */
const EXTENDER_CONFIG: LoadConfigSpec<typeof ExtenderConfigSchema> = {
  schema: ExtenderConfigSchema,
  defaults: EXTENDER_DEFAULTS,
  flags: EXTENDER_FLAGS,
  envPrefix: 'CORRAL_EXTENDER_',
  rejectUnknownEnv: true,
  // The extender serves HTTP(S) to kube-scheduler over TCP only.
  checks: { listen: listenAddressCheck({ allow: ['tcp'] }) },
  refine: (config) => refine(config),
};

/** Reads the extender's configuration once (the only reader of env); every problem at once. */
export function loadExtenderConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ExtenderConfig {
  return loadConfig({ ...EXTENDER_CONFIG, argv, env });
}

/** The flags `corral explain` reads; the extender's others are for serving. */
export const EXPLAIN_FLAGS: FlagSpec = {
  policies: 'policies',
  'system-namespaces': 'systemNamespaces',
  'gpu-resources': 'gpuResources',
};

/** The extender's serving flags given to explain (`--listen`, `--tls-cert=F`, `--no-bind`, ...). */
function servingFlagsIn(argv: readonly string[]): string[] {
  const serving = new Set(Object.keys(EXTENDER_FLAGS).filter((flag) => !Object.hasOwn(EXPLAIN_FLAGS, flag)));
  const found: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0] ?? '';
    const flag = serving.has(name) ? name : name.replace(/^no-/, '');
    if (serving.has(flag) && !found.includes(name)) found.push(name);
  }
  return found;
}

/**
 * `corral explain`'s configuration: the extender's settings (env and config file as the extender
 * reads them), but offline only: its flags are EXPLAIN_FLAGS, a serving flag (`--listen`,
 * `--kubeconfig`, `--bind`, TLS, ...) is refused by name, and `--policies` is required.
 */
export function loadExplainConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ExtenderConfig & { readonly policies: string } {
  const serving = servingFlagsIn(argv);
  if (serving.length > 0) {
    const takes = Object.keys(EXPLAIN_FLAGS)
      .map((flag) => `--${flag}`)
      .join(', ');
    throw new ConfigError(
      serving.map(
        (flag) => `--${flag} is for serving: explain works offline and takes only ${takes} (and --config)`,
      ),
    );
  }
  const config = loadConfig({
    ...EXTENDER_CONFIG,
    flags: EXPLAIN_FLAGS,
    argv,
    env,
    refine: (loaded) =>
      loaded.policies === undefined ? ['explain works offline: give --policies PATH'] : [],
  });
  // refine refused a configuration without policies.
  return config as ExtenderConfig & { readonly policies: string };
}

/** `corral extender --help`: generated from the schema, flags, defaults and env prefix above. */
export function extenderHelp(): string {
  return configHelp(EXTENDER_CONFIG, {
    usage: 'corral extender [flags]',
    summary:
      'Serves the kube-scheduler extender (filter, prioritize and, with --bind, bind) until SIGTERM. ' +
      'Needs --policies PATH, --kubeconfig PATH or --in-cluster.',
  });
}

/**
 * `corral explain --help`: generated as the extender's, from the settings explain reads alone (its
 * flags, their variables and defaults); `summary` says what it explains.
 */
export function explainHelp(summary: string): string {
  return configHelp(
    {
      schema: Type.Pick(ExtenderConfigSchema, ['policies', 'systemNamespaces', 'gpuResources']),
      defaults: {
        systemNamespaces: EXTENDER_DEFAULTS.systemNamespaces,
        gpuResources: EXTENDER_DEFAULTS.gpuResources,
      },
      flags: EXPLAIN_FLAGS,
      envPrefix: EXTENDER_CONFIG.envPrefix,
    },
    {
      usage: 'corral explain POD.yaml|- --policies PATH [flags]',
      summary: `${summary} Works offline: needs --policies PATH; the serving flags (--listen, --kubeconfig, --in-cluster, --bind, --tls-*, ...) are refused.`,
    },
  );
}

// No flags for these two: env or the config file set them.
const SHUTDOWN_FLAGS = {
  timeout: 'CORRAL_EXTENDER_SHUTDOWN_TIMEOUT_MS',
  drain: 'CORRAL_EXTENDER_DRAIN_DELAY_MS',
};

function refine(config: Static<typeof ExtenderConfigSchema>): string[] {
  const problems: string[] = [];
  const cluster = config.kubeconfig !== undefined || config.inCluster;
  if (config.policies === undefined && !cluster) {
    problems.push('give --policies PATH (files), --kubeconfig PATH or --in-cluster (a cluster)');
  }
  const drain = drainDelayProblem(config.shutdownTimeoutMs, config.drainDelayMs, SHUTDOWN_FLAGS);
  if (drain !== undefined) problems.push(drain);
  if (config.bind && !cluster) {
    problems.push('--bind creates pods/binding through the API: it needs --kubeconfig or --in-cluster');
  }
  if (config.kubeconfig !== undefined && config.inCluster)
    problems.push('give --kubeconfig or --in-cluster, not both');
  if ((config.tls.cert === undefined) !== (config.tls.key === undefined)) {
    problems.push('--tls-cert and --tls-key go together');
  }
  problems.push(...clientCertificateFlagProblems(config.tls));
  return problems;
}

// @corral/runtime: the runtime kit shared by the extender, the admission webhooks and the CSI driver.

export {
  CorralError,
  ConfigError,
  ListenAddressError,
  RUNTIME_ERR,
  ShutdownStepError,
  ShutdownTimeoutError,
  TlsClientCaError,
  TlsKeyPairError,
  isCorralError,
  type CorralErrorOptions,
  type RuntimeErrorCode,
} from './errors.js';
export { describeFailure, describeStartFailure } from './describe-failure.js';
export { abortableCall } from './abortable-call.js';
export {
  readStandardInput,
  shownName,
  STDIN,
  STDIN_NAME,
  type StandardInputSource,
} from './cli/standard-input.js';

export { loadConfig } from './config/load-config.js';
export {
  configHelp,
  isHelpRequest,
  type ConfigHelpHeading,
  type ConfigHelpSource,
} from './config/config-help.js';
export type {
  DeepPartial,
  DeepReadonly,
  FlagDef,
  FlagSpec,
  LoadConfigOptions,
  LoadConfigSpec,
  OptionCheck,
} from './config/types.js';
export {
  formatListenAddress,
  listenAddressCheck,
  ANY_HOST,
  parseListenAddress,
  type ListenAddress,
  type ParseListenOptions,
  type Parsed,
} from './config/listen-address.js';

export {
  createLogger,
  requestLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type RequestContext,
} from './log/create-logger.js';
export {
  CENSOR,
  REDACT_DEPTH,
  SECRET_KEYS,
  SECRET_SUFFIXES,
  TOO_DEEP,
  isSecretKey,
  redactSecrets,
} from './log/redaction.js';
export { redactText } from '@corral/policy';
export { memoryDestination, type MemoryDestination } from './log/memory-destination.js';
export { LogLevelSchema } from './log/log-level-schema.js';

export {
  HTTP_DURATION_BUCKETS,
  createMetrics,
  type HttpLabel,
  type Metrics,
  type MetricsOptions,
} from './metrics/create-metrics.js';
export { CounterTally } from './metrics/counter-tally.js';
export { HistogramSeries, seriesByKey } from './metrics/histogram-series.js';

export { closeConnectionsAfterResponse } from './ops/close-after-response.js';
export { createReadiness, type Readiness, type ReadinessReport } from './ops/readiness.js';
export { sharedPlugin } from './ops/shared-plugin.js';
export { OPS_ROUTES, withOps, type OpsOptions } from './ops/with-ops.js';
export {
  UNMATCHED_ROUTE,
  withRequestMetrics,
  type RequestMetricsOptions,
} from './ops/with-request-metrics.js';
export { withRequestLogging, type RequestLoggingOptions } from './ops/with-request-logging.js';
export {
  buildServer,
  type BuildServerOptions,
  type CorralServer,
  type HttpsOptions,
} from './ops/build-server.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops/start-ops-server.js';
export { DEFAULT_MAX_CONNECTIONS, limitConnections, maxConnectionsSchema } from './ops/limit-connections.js';
export {
  NO_LONGER_TRUSTED,
  closeConnectionsOnClientCaChange,
  type OnClientCaChange,
} from './ops/close-untrusted-connections.js';
export { listenTcp, type TcpListener } from './ops/listen-tcp.js';
export {
  CLIENT_CERTIFICATE_REQUIRED,
  requireClientCertificate,
  type RequestGuard,
  type RequireClientCertificateOptions,
} from './ops/require-client-certificate.js';
export { OncePerInterval } from './ops/once-per-interval.js';

export { readKeyPair, validateKeyPair, type KeyPair, type KeyPairFiles } from './tls/key-pair.js';
export {
  hashContents,
  watchContents,
  type ContentsWatcher,
  type WatchContentsOptions,
} from './tls/watch-contents.js';
export {
  reloadTlsOnChange,
  type SecureContextTarget,
  type TlsReloader,
  type TlsReloadOptions,
} from './tls/tls-reloader.js';
export { readClientCa, validateClientCa, type ClientCa } from './tls/client-ca.js';
export { chainIsTrusted, signedBy } from './tls/trusted-chain.js';
export {
  clientCertificateProblem,
  clientPeerOf,
  dnsAndUriNames,
  type ClientPeer,
} from './tls/client-certificate.js';

export {
  onShutdown,
  type ProcessLike,
  type ShutdownHandle,
  type ShutdownOptions,
  type ShutdownStep,
} from './lifecycle/on-shutdown.js';
export { drainDelayProblem, type ShutdownSettingNames } from './lifecycle/drain-delay-check.js';
export { clientCertificateFlagProblems, type TlsFlags } from './tls/client-certificate-flags.js';
export { StartedParts, startOrUndo, UNDO_START_TIMEOUT_MS } from './lifecycle/undo-start.js';
export { startFailureExit, type InputErrorClass } from './lifecycle/start-failure-exit.js';
export {
  drainDelaySchema,
  MAX_DRAIN_DELAY_MS,
  MAX_SHUTDOWN_TIMEOUT_MS,
  shutdownTimeoutSchema,
} from './lifecycle/shutdown-schemas.js';

export { systemClock, type Clock } from './leader/clock.js';
export { createLeaderElector, startLeaderElection, type LeaderElector } from './leader/leader-elector.js';
export {
  LEADER_DEFAULTS,
  defaultIdentity,
  type LeaderCallbacks,
  type LeaderElectionOptions,
} from './leader/elector-options.js';
export { LeaseClient, leaseApiFrom, type LeaseApi, type ReadLease } from './leader/lease-client.js';
export { microTime, recordOf, type LeaderRecord } from './leader/lease-record.js';
export { createLeaderMetrics, type LeaderMetrics } from './leader/leader-metrics.js';

export {
  createEventRecorder,
  eventsApiFrom,
  type EventRecorder,
  type EventRecorderOptions,
  type EventsApi,
} from './events/event-recorder.js';
export { NOTE_LIMIT_BYTES, clipBytes } from './events/event-body.js';
export { createEventMetrics, type EventMetrics } from './events/event-metrics.js';
export type { EventRef, EventToRecord, EventType } from './events/event-types.js';

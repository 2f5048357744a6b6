import { Type } from '@sinclair/typebox';

/** 10 minutes: far above any pod's grace period (30 s in deploy/), which ends the process anyway. */
export const MAX_SHUTDOWN_TIMEOUT_MS = 600_000;
/** 1 minute: ample for the endpoints to drop a terminating replica (seconds in practice). */
export const MAX_DRAIN_DELAY_MS = 60_000;

/** `--shutdown-timeout-ms`, as every service takes it; `drained` says whether a drain counts in it. */
export const shutdownTimeoutSchema = (drained: boolean) =>
  Type.Integer({
    minimum: 100,
    maximum: MAX_SHUTDOWN_TIMEOUT_MS,
    description: drained
      ? 'Bounds the whole graceful shutdown (drain included); keep it below the pod grace period.'
      : 'Bounds the whole graceful shutdown; keep it below the pod grace period.',
  });

/** `--drain-delay-ms` of the HTTP services (the CSI driver's callers use a socket and need none). */
export const drainDelaySchema = () =>
  Type.Integer({
    minimum: 0,
    maximum: MAX_DRAIN_DELAY_MS,
    description: 'After SIGTERM, keep answering (unready) this long, so callers move to another replica.',
  });

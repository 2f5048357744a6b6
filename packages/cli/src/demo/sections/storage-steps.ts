import { performance } from 'node:perf_hooks';
import { CsiCallError } from '../transport/csi-client.js';
import type { StorageStep } from './report.js';

/** Runs the storage section's steps one by one, timing each and recording its outcome. */
export class StepLog {
  readonly steps: StorageStep[] = [];

  /** A step that should succeed; its failure is recorded (and counted by the caller). Returns success. */
  async run(step: string, rpc: string, action: () => Promise<string>): Promise<boolean> {
    const started = performance.now();
    try {
      const result = await action();
      this.steps.push({ step, rpc, outcome: 'ok', result, ms: elapsed(started) });
      return true;
    } catch (err) {
      this.steps.push({ step, rpc, outcome: 'failed', result: describe(err), ms: elapsed(started) });
      return false;
    }
  }

  /** A step that should be refused with `code`; anything else is recorded as a failure. */
  async refused(step: string, rpc: string, code: string, action: () => Promise<unknown>): Promise<boolean> {
    const started = performance.now();
    try {
      await action();
      this.steps.push({
        step,
        rpc,
        outcome: 'failed',
        result: `accepted, expected ${code}`,
        ms: elapsed(started),
      });
      return false;
    } catch (err) {
      const ok = err instanceof CsiCallError && err.code === code;
      this.steps.push({
        step,
        rpc,
        outcome: ok ? 'refused as expected' : 'failed',
        result: describe(err),
        ms: elapsed(started),
      });
      return ok;
    }
  }

  skip(step: string, rpc: string, reason: string): void {
    this.steps.push({ step, rpc, outcome: 'skipped', result: reason });
  }

  failures(): string[] {
    return this.steps
      .filter((s) => s.outcome === 'failed')
      .map((s) => `storage: ${s.step} (${s.rpc}): ${s.result}`);
  }
}

const elapsed = (started: number): number => Math.round(performance.now() - started);

function describe(err: unknown): string {
  if (err instanceof CsiCallError) return `${err.code}: ${err.details}`;
  return err instanceof Error ? err.message : String(err);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 268435456 → "256 MiB" (exact units when they divide, one decimal otherwise). */
export function formatBytes(value: bigint | string | number | undefined): string {
  let n = Number(value ?? 0);
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * Holds SIGINT and SIGTERM while something that must not be cut short runs (starting or stopping the
 * local Ceph): the first signal aborts `signal`, so the work can stop early and clean up, later ones
 * are ignored; `release()` removes the listeners and sends the signal received again, so that the
 * process still ends the way the user asked, only after the cleanup.
 */
export interface SignalProcess {
  readonly pid: number;
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

const HELD: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export class SignalGuard {
  private readonly controller = new AbortController();
  private readonly listeners = new Map<NodeJS.Signals, () => void>();
  private caught: NodeJS.Signals | undefined;

  constructor(
    private readonly host: SignalProcess = process,
    private readonly onSignal: (signal: NodeJS.Signals) => void = () => undefined,
  ) {
    for (const name of HELD) {
      const listener = () => this.receive(name);
      this.listeners.set(name, listener);
      host.on(name, listener);
    }
  }

  /** Aborted by the first signal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal received, if any. */
  get received(): NodeJS.Signals | undefined {
    return this.caught;
  }

  /** Stops holding signals; re-sends the one received, if any (by default, that ends the process). */
  release(): void {
    for (const [name, listener] of this.listeners) this.host.off(name, listener);
    this.listeners.clear();
    if (this.caught) this.host.kill(this.host.pid, this.caught);
  }

  private receive(name: NodeJS.Signals): void {
    if (this.caught) return;
    this.caught = name;
    this.onSignal(name);
    this.controller.abort(new Error(`interrupted (${name})`));
  }
}

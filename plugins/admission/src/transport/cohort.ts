/**
 * Runs the work queued during one turn of the event loop together, one item after another, in the
 * check phase (`setImmediate`) right after the poll phase that queued it (cohort scheduling).
 *
 * Why: under load a webhook's process reads many requests in one poll phase. Run inline, each
 * review's rules run between that request's TLS read, HTTP parse and JSON parse and its answer's
 * serialization and TLS write, so the rules' machine code and data are evicted from the CPU's caches
 * by the time the next review needs them (docs/benchmarks.md, sixteenth session: ~9–10 µs of a cold
 * review is its code). Queued, the reads of a turn run back to back, then the rules of every review
 * read, then the answers are sent: each stage finds its code warm. docs/adr/0020 has the numbers.
 *
 * A request read alone runs in the same loop iteration as before (the check phase follows the poll
 * phase at once); work queued while a cohort runs waits for the next one. Items run in the order they
 * were queued; a throw rejects its own promise only.
 */
export class Cohort {
  #queue: (() => void)[] = [];
  #scheduled = false;

  /** `onRun`: told each cohort's size as it starts (e.g. for a histogram). */
  constructor(private readonly onRun?: (size: number) => void) {}

  /** Queues `work` for this turn's cohort; settles with what it returns (or awaits) or throws. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#drain);
      }
    });
  }

  /** How many items wait for the next cohort. */
  get waiting(): number {
    return this.#queue.length;
  }

  readonly #drain = (): void => {
    const queue = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    this.onRun?.(queue.length);
    for (const item of queue) item();
  };
}

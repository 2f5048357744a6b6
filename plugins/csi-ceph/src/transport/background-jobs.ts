/**
 * Background work per image (the flatten of a clone). DeleteVolume waits for the image's job first:
 * removing an image while it is being flattened would fail with "busy". At most one job runs per key:
 * a second start while one runs is a no-op (the resume scan and a repeated CreateVolume may both ask
 * for the same flatten). Once `drain` has begun (shutdown), nothing new starts: work not done then is
 * found again by the next controller's resume scan (controller/flatten-resume.ts), and a running
 * flatten reads `draining` to stop after the objects it is copying (rbd-images.ts). A job that waits
 * between retries waits with `pause`, which `drain` cuts short: no timer outlives the shutdown.
 */
export class BackgroundJobs {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private closing = false;

  /**
   * Starts `job` for `key` unless a job for `key` runs or the jobs are draining; returns whether it
   * started. Failures go to `onError`, never unhandled.
   */
  start(key: string, job: () => Promise<void>, onError: (err: unknown) => void): boolean {
    if (this.closing || this.running.has(key)) return false;
    const done = Promise.resolve()
      .then(job)
      .catch(onError)
      .finally(() => {
        if (this.running.get(key) === done) this.running.delete(key);
      });
    this.running.set(key, done);
    return true;
  }

  /** Is a job for `key` running? */
  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** True once `drain` was called: long loops stop between steps. */
  get draining(): boolean {
    return this.closing;
  }

  /** Aborted once `drain` begins: timers kept outside the jobs (flatten-retries.ts) clear on it. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Resolves once the job for `key` (if any) has finished. */
  async settle(key: string): Promise<void> {
    await this.running.get(key);
  }

  /**
   * Waits `ms`; resolves true then, or false as soon as `drain` begins (at once if it has), clearing
   * the timer.
   */
  pause(ms: number): Promise<boolean> {
    if (this.closing) return Promise.resolve(false);
    const signal = this.stopping.signal;
    return new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** Refuses new jobs, cuts pauses short, then waits for every running one (shutdown). */
  async drain(): Promise<void> {
    this.closing = true;
    this.stopping.abort();
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}

export const imageKey = (pool: string, namespace: string, image: string) => `${pool}/${namespace}/${image}`;

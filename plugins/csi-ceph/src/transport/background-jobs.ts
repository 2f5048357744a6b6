/**
 * Background work per image (the flatten of a clone). DeleteVolume waits for the image's job first:
 * removing an image while it is being flattened would fail with "busy".
 */
export class BackgroundJobs {
  private readonly running = new Map<string, Promise<void>>();

  /** Starts `job` for `key`; failures go to `onError`, never unhandled. */
  start(key: string, job: () => Promise<void>, onError: (err: unknown) => void): void {
    const done = job()
      .catch(onError)
      .finally(() => {
        if (this.running.get(key) === done) this.running.delete(key);
      });
    this.running.set(key, done);
  }

  /** Resolves once the job for `key` (if any) has finished. */
  async settle(key: string): Promise<void> {
    await this.running.get(key);
  }

  /** Waits for every job (shutdown). */
  async drain(): Promise<void> {
    await Promise.all(this.running.values());
  }
}

export const imageKey = (pool: string, namespace: string, image: string) => `${pool}/${namespace}/${image}`;

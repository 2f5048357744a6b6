/**
 * The time by which one review must be answered, and a signal that work still running for it can
 * watch. The signal is made on first read only: an AbortController costs ~3 µs on Node 20, and the
 * rules of almost every review are synchronous and never read it.
 */
export class RequestDeadline {
  #controller: AbortController | undefined;
  #passed = false;

  /** `at`: epoch ms. */
  constructor(readonly at: number) {}

  /** Aborts once the deadline has passed (already aborted if it had when first read). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#passed || Date.now() >= this.at) this.#controller.abort(this.#reason());
    }
    return this.#controller.signal;
  }

  /** The review was answered without the work (it ran out of time): tell whoever still runs. */
  expire(): void {
    this.#passed = true;
    if (this.#controller && !this.#controller.signal.aborted) this.#controller.abort(this.#reason());
  }

  #reason(): Error {
    return new Error('the admission review ran out of time');
  }
}

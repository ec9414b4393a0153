// The cancel state of one running job, with an AbortSignal made only when the task asks for it.

/**
 * The cancel state of one running job. Its AbortSignal is made only when asked for (by the task, through
 * getTaskSignal): making one costs microseconds, on every job.
 */
export class JobCancellation {
  #controller?: AbortController;
  #reason?: Error;

  constructor(private readonly onRelease: () => void) {}

  /** Whether the job was cancelled. */
  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  /** Why it was cancelled, once it is. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** Aborted when the job is cancelled (at once if it already is). */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#reason && !this.#controller.signal.aborted) this.#controller.abort(this.#reason);
    return this.#controller.signal;
  }

  cancel(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  /** The job ended: stop tracking it. */
  release(): void {
    this.onRelease();
  }
}

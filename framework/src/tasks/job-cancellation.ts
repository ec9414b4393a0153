// The abort state of one running job (cancelled, or its attempt timed out), with an AbortSignal made only when
// the task asks for it.

/**
 * The abort state of one running job: cancelled (DELETE /tasks/{id}) or past its attempt's timeout, told apart
 * by `reason`. Its AbortSignal is made only when asked for (by the task, through getTaskSignal): making one
 * costs microseconds, on every job.
 */
export class JobCancellation {
  #controller?: AbortController;
  #reason?: Error;

  constructor(private readonly onRelease: () => void) {}

  /** Whether the job was aborted (cancelled or timed out). */
  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  /** Why it was aborted, once it is: the first reason given wins. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** Aborted when the job is (at once if it already is). */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#reason && !this.#controller.signal.aborted) this.#controller.abort(this.#reason);
    return this.#controller.signal;
  }

  /** Abort the job with `reason` (a later call changes nothing). */
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

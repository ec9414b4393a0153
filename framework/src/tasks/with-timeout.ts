// withTimeout: settle like `work`, or reject with `onTimeout()` if it takes longer than `ms`.

/**
 * `work`, or a rejection with `onTimeout()` after `ms` milliseconds, whichever comes first (the timer is cleared).
 * One promise and one timer per call: no Promise.race or finally, whose extra promises showed in enqueue profiles.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

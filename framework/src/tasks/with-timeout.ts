// withTimeout: settle like `work`, or reject with `onTimeout()` if it takes longer than `ms`.

/** `work`, or a rejection with `onTimeout()` after `ms` milliseconds, whichever comes first (the timer is cleared). */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

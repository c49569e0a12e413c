/**
 * Settles like `work`, or rejects with `onTimeout()` once `ms` have passed (`ms <= 0`: no
 * deadline). `work` itself keeps running; only its late result is ignored.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  if (ms <= 0) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on the work's own rejection unchanged
        reject(error);
      },
    );
  });
}

/**
 * Waits for `promise` at most `ms` milliseconds; after that, starts `fallback` (a forced disconnect) without waiting
 * for it. For shutdowns that must end even when a service is unreachable.
 */
export async function within(
  promise: Promise<unknown>,
  ms: number,
  fallback: () => Promise<unknown> | unknown,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    const outcome = await Promise.race([
      promise.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      late,
    ]);
    if (outcome === 'late')
      void Promise.resolve()
        .then(fallback)
        .catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `assertion` until it passes, for what a stream worker writes a moment after the request that
 * caused it (a follower's timeline); past `timeoutMs`, its last failure is the test's.
 */
export async function eventually<T>(assertion: () => Promise<T> | T, { timeoutMs = 15_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * Polls `GET /health` on a local port until it answers 200; for whatever starts
 * services as processes (npm start, the benchmark). `giveUp` ends the wait
 * early, when the caller is stopping anyway.
 */
export async function waitUntilHealthy(
  name: string,
  port: number,
  { timeoutMs = 60_000, giveUp = () => false }: { timeoutMs?: number; giveUp?: () => boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (giveUp()) throw new Error('stopping');
    const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer on port ${port} within ${timeoutMs / 1000} s`);
}

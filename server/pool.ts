/**
 * Runs `fn` over `items`, at most `width` at a time: many requests of one call without sending them all at once
 * (they would stand in line before every other request of the instance, and count against the environment's
 * concurrent database requests together).
 */
export async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

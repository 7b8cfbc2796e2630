/** `{ credits: 24 }` → `24 credits`; empty → `nothing yet`. */
export function formatCost(cost: Record<string, number>): string {
  const parts = Object.entries(cost)
    .filter(([, amount]) => amount !== 0)
    .map(([unit, amount]) => `${Number(amount.toFixed(4))} ${unit}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing yet';
}

/** `{ sfw: 3, nsfw: 1 }` → `3 sfw, 1 nsfw`; empty → `none`. */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([rating, count]) => `${count} ${rating}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Total of a per-rating count. */
export function sumCounts(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** A date as the reader's locale shows it. */
export function formatWhen(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

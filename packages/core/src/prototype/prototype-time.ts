const isoPattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a prototype timestamp: Python's `datetime.now().isoformat()` (no zone, microseconds) or ISO 8601 with `Z` or
 * an offset. A time without a zone is read as UTC (the prototype's samples match UTC) and flagged `zoneless`.
 * `undefined` when it is not a timestamp.
 *
 * @example
 * ```ts
 * parsePrototypeTime('2025-10-29T07:55:03.837413'); // { iso: '2025-10-29T07:55:03.837Z', zoneless: true }
 * ```
 */
export function parsePrototypeTime(value: unknown): { iso: string; zoneless: boolean } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = isoPattern.exec(value.trim());
  if (!match) return undefined;
  const [, date, time = '', fraction, zone] = match;
  const millis = (fraction ?? '').padEnd(3, '0').slice(0, 3);
  const parsed = new Date(`${date}T${time.length === 5 ? `${time}:00` : time}.${millis}${zone ?? 'Z'}`);
  if (Number.isNaN(parsed.getTime())) return undefined;
  return { iso: parsed.toISOString(), zoneless: zone === undefined };
}

import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under `dir`, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** The records of a JSON-lines file (journal or ledger); a torn last line is ignored as the loaders do. */
export async function readJsonLines<T = Record<string, unknown>>(path: string): Promise<T[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const records: T[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      if (index !== lines.length - 1) throw error;
    }
  }
  return records;
}

/** A cost-ledger line, as far as these tests read it. */
export interface LedgerLine {
  kind: string;
  op: string;
  itemId: string;
  amount: number;
  unitOfAccount: string;
  jobId?: string;
}

/** Sum of the ledger's `actual` entries per unit of account. */
export function actualTotals(entries: readonly LedgerLine[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.kind === 'actual') totals[entry.unitOfAccount] = (totals[entry.unitOfAccount] ?? 0) + entry.amount;
  }
  return totals;
}

/** The naming rule for results: `{model}-s{n}-t{nnn}-{rating}-{stage}.jpg` under `results/<rating>/source_<n>/<stage>/`. */
export const resultPath =
  /^models\/([a-z0-9-]+)\/results\/([a-z0-9]+)\/source_(\d+)\/(swapped|enhanced)\/\1-s\3-t(\d{3,})-\2-\4\.jpg$/;

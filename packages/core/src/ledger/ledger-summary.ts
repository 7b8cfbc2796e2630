import type { ChargeSource, LedgerEntry } from './ledger-entry.js';

/** Says where "actual" amounts come from; shown wherever a summary is. */
export const PRICE_TABLE_NOTE =
  'Amounts with source "price-table" were computed from the prices in the model config, not reported by the ' +
  'provider. Check your provider account for what was really billed.';

/** A field a summary can group by (it always groups by unit of account too). */
export type LedgerDimension = 'model' | 'op' | 'rating' | 'provider' | 'itemId';

/** Options for {@link CostLedger.summary}. */
export interface LedgerSummaryOptions {
  /** Fields to group by. `[]` gives one row per unit of account. @default ['model', 'op', 'rating'] */
  by?: LedgerDimension[];
}

/** Amounts in one unit of account. */
export interface LedgerTotals {
  /** e.g. `credits`. */
  unitOfAccount: string;
  /** Charges recorded (each (item, op, job id) once). */
  actual: number;
  /** Open reservations: held for work submitted or about to be. */
  reserved: number;
  /** Submissions that may or may not have been charged, not yet resolved. */
  uncertain: number;
  /** Latest estimate per item and op. */
  estimate: number;
  /** What a budget counts: actual + reserved + uncertain. */
  committed: number;
}

/** One group of a {@link LedgerSummary}: the grouped fields (only those asked for) and the totals. */
export interface LedgerSummaryRow extends LedgerTotals {
  model?: string;
  op?: string;
  /** `undefined` when the entries have no rating. */
  rating?: string;
  provider?: string;
  itemId?: string;
  /** Number of actual charges. */
  actualCount: number;
  /** Where the actual amounts come from (`none` when there are none). */
  actualSource: ChargeSource | 'mixed' | 'none';
}

/** What {@link CostLedger.summary} returns. */
export interface LedgerSummary {
  /** The grouping used. */
  by: LedgerDimension[];
  /** One row per group, sorted by the grouped fields. */
  rows: LedgerSummaryRow[];
  /** One row per unit of account. */
  totals: LedgerTotals[];
  /** Where all actual amounts come from. */
  actualSource: ChargeSource | 'mixed' | 'none';
  /** {@link PRICE_TABLE_NOTE} when any actual or uncertain amount comes from the price table. Show it. */
  note?: string;
}

/** @internal The open and settled entries of one (item, op), as the ledger folds them. */
export interface LedgerSlot {
  estimate?: LedgerEntry;
  reserved?: LedgerEntry;
  uncertain: LedgerEntry[];
  actual: LedgerEntry[];
}

type Field = 'actual' | 'reserved' | 'uncertain' | 'estimate';
type Row = LedgerSummaryRow & { sources: number };
const PROVIDER = 1;
const PRICE_TABLE = 2;

/** @internal Groups the slots' contributing entries. */
export function summarize(slots: Iterable<LedgerSlot>, by: LedgerDimension[]): LedgerSummary {
  const rows = new Map<string, Row>();
  const totals = new Map<string, Row>();
  let allSources = 0;
  let priceTable = false;
  const add = (entry: LedgerEntry, field: Field) => {
    let key = entry.unitOfAccount;
    for (const dim of by) key += `\u0000${entry[dim] ?? ''}`;
    let row = rows.get(key);
    if (!row) {
      row = emptyRow(entry.unitOfAccount);
      for (const dim of by) row[dim] = entry[dim];
      rows.set(key, row);
    }
    let total = totals.get(entry.unitOfAccount);
    if (!total) {
      total = emptyRow(entry.unitOfAccount);
      totals.set(entry.unitOfAccount, total);
    }
    row[field] += entry.amount;
    total[field] += entry.amount;
    if (field === 'actual') {
      const bit = entry.source === 'provider-reported' ? PROVIDER : PRICE_TABLE;
      row.actualCount++;
      row.sources |= bit;
      allSources |= bit;
    }
    if ((field === 'actual' || field === 'uncertain') && entry.source === 'price-table') priceTable = true;
  };
  for (const slot of slots) {
    if (slot.estimate) add(slot.estimate, 'estimate');
    if (slot.reserved) add(slot.reserved, 'reserved');
    for (const entry of slot.uncertain) add(entry, 'uncertain');
    for (const entry of slot.actual) add(entry, 'actual');
  }
  const sorted = [...rows.values()].sort((a, b) => {
    for (const dim of by) {
      const order = (a[dim] ?? '').localeCompare(b[dim] ?? '');
      if (order !== 0) return order;
    }
    return a.unitOfAccount.localeCompare(b.unitOfAccount);
  });
  const summary: LedgerSummary = {
    by,
    rows: sorted.map(finishRow),
    totals: [...totals.values()].sort((a, b) => a.unitOfAccount.localeCompare(b.unitOfAccount)).map(finishTotals),
    actualSource: sourceName(allSources),
  };
  if (priceTable) summary.note = PRICE_TABLE_NOTE;
  return summary;
}

/**
 * Renders a summary as a plain-text table (with the price-table note under it), for terminals and logs.
 * @example
 * ```ts no-run
 * console.log(formatLedgerSummary(ledger.summary({ by: ['op'] })));
 * ```
 */
export function formatLedgerSummary(summary: LedgerSummary): string {
  const head = [...summary.by, 'unit', 'actual', 'reserved', 'uncertain', 'estimate', 'source'];
  const body = summary.rows.map((row) => [
    ...summary.by.map((dim) => row[dim] ?? '-'),
    row.unitOfAccount,
    formatAmount(row.actual),
    formatAmount(row.reserved),
    formatAmount(row.uncertain),
    formatAmount(row.estimate),
    row.actualSource,
  ]);
  for (const total of summary.totals) {
    body.push([
      ...summary.by.map((_, i) => (i === 0 ? 'total' : '')),
      total.unitOfAccount,
      formatAmount(total.actual),
      formatAmount(total.reserved),
      formatAmount(total.uncertain),
      formatAmount(total.estimate),
      '',
    ]);
  }
  const table = [head, ...body];
  const widths = head.map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)));
  const lines = table.map((line) =>
    line
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  if (summary.note) lines.push('', `Note: ${summary.note}`);
  return lines.join('\n');
}

/** @internal Rounds away float noise from sums of amounts. */
export function roundAmount(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function formatAmount(value: number): string {
  return String(roundAmount(value));
}

function emptyRow(unitOfAccount: string): Row {
  return {
    unitOfAccount,
    actual: 0,
    reserved: 0,
    uncertain: 0,
    estimate: 0,
    committed: 0,
    actualCount: 0,
    actualSource: 'none',
    sources: 0,
  };
}

function finishTotals(row: Row): LedgerTotals {
  const actual = roundAmount(row.actual);
  const reserved = roundAmount(row.reserved);
  const uncertain = roundAmount(row.uncertain);
  return {
    unitOfAccount: row.unitOfAccount,
    actual,
    reserved,
    uncertain,
    estimate: roundAmount(row.estimate),
    committed: roundAmount(actual + reserved + uncertain),
  };
}

function finishRow(row: Row): LedgerSummaryRow {
  const { sources, actualSource: _unused, actualCount, ...rest } = row;
  return { ...rest, ...finishTotals(row), actualCount, actualSource: sourceName(sources) };
}

function sourceName(bits: number): ChargeSource | 'mixed' | 'none' {
  if (bits === 0) return 'none';
  if (bits === PROVIDER) return 'provider-reported';
  if (bits === PRICE_TABLE) return 'price-table';
  return 'mixed';
}

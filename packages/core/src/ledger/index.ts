export { type Budget, type BudgetOptions, type BudgetReservation, createBudget } from './budget.js';
export {
  type CostLedger,
  type LedgerOptions,
  type LedgerRecordResult,
  openLedger,
} from './cost-ledger.js';
export type { ChargeSource, LedgerEntry, LedgerEntryInput, LedgerEntryKind } from './ledger-entry.js';
export {
  formatLedgerSummary,
  type LedgerDimension,
  type LedgerSummary,
  type LedgerSummaryOptions,
  type LedgerSummaryRow,
  type LedgerTotals,
  PRICE_TABLE_NOTE,
} from './ledger-summary.js';

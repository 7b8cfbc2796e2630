/**
 * Where the MaxStudio adapters' charges come from, shown by core with every estimate and summary (the adapters'
 * `priceNote`): MaxStudio reports no charges, so the amounts are the price table's (`prices`) for accepted jobs.
 */
export const maxStudioPriceNote =
  'Costs come from the model\'s price table: the MaxStudio API reports no charges, so "actual" means price-table figures for accepted jobs.';

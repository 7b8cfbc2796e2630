import type { StudioSettings } from './studio-types.js';

/** Core's note on prices, when the provider gives none. */
export const defaultPriceNote =
  'Costs come from the model\'s price table: "actual" means the price-table figure of each job the provider accepted.';

/** Where prices come from, shown with every estimate and summary: the providers' own notes, else core's. */
export function priceNoteOf(settings: StudioSettings): string {
  const notes = [settings.swapper?.priceNote, settings.enhancer?.priceNote].filter(
    (note): note is string => typeof note === 'string' && note.length > 0,
  );
  return notes.length > 0 ? [...new Set(notes)].join(' ') : defaultPriceNote;
}

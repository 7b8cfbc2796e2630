import { useId } from 'react';
import type { TargetProvenance } from '../api/studio-api.js';

/** The statements a target upload needs: rating, where the photos came from, the rights (and adults' consent). */
export function TargetProvenanceFields({
  ratings,
  value,
  onChange,
}: {
  ratings: string[];
  value: TargetProvenance;
  onChange(next: TargetProvenance): void;
}) {
  const ids = { rating: useId(), origin: useId(), rights: useId(), adults: useId() };
  return (
    <div className="mb-3 grid gap-3 sm:grid-cols-2">
      <div>
        <label htmlFor={ids.rating} className="mb-1 block text-sm font-medium">
          Rating
        </label>
        <select
          id={ids.rating}
          value={value.rating}
          onChange={(event) => onChange({ ...value, rating: event.target.value })}
          className="w-full rounded-md border border-slate-400 px-2 py-2"
        >
          {ratings.map((rating) => (
            <option key={rating} value={rating}>
              {rating}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.origin} className="mb-1 block text-sm font-medium">
          Where the photos came from
        </label>
        <input
          id={ids.origin}
          value={value.origin}
          onChange={(event) => onChange({ ...value, origin: event.target.value })}
          className="w-full rounded-md border border-slate-400 px-3 py-2"
          placeholder="studio shoot 2026-05"
        />
      </div>
      <label htmlFor={ids.rights} className="flex items-start gap-2 text-sm sm:col-span-2">
        <input
          id={ids.rights}
          type="checkbox"
          className="mt-1"
          checked={value.rightsStatement !== ''}
          onChange={(event) =>
            onChange({
              ...value,
              rightsStatement: event.target.checked ? 'I hold the rights to use these photos.' : '',
            })
          }
        />
        I hold the rights to use these photos.
      </label>
      {value.rating !== 'sfw' ? (
        <label htmlFor={ids.adults} className="flex items-start gap-2 text-sm sm:col-span-2">
          <input
            id={ids.adults}
            type="checkbox"
            className="mt-1"
            checked={value.adultsConsented === true}
            onChange={(event) => onChange({ ...value, adultsConsented: event.target.checked })}
          />
          Everyone shown is an adult who consented.
        </label>
      ) : null}
    </div>
  );
}

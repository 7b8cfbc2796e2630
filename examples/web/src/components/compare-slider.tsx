import { useId, useState } from 'react';

/**
 * Before/after comparison: the `after` image drawn over the `before` one, clipped at a position a range input controls
 * (arrow keys, Page Up/Down, Home/End, or dragging).
 */
export function CompareSlider({
  before,
  after,
  beforeLabel,
  afterLabel,
}: {
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
}) {
  const sliderId = useId();
  const [position, setPosition] = useState(50);
  return (
    <figure className="w-full" data-compare>
      <div className="relative w-full overflow-hidden rounded-lg bg-slate-200" style={{ aspectRatio: '3 / 4' }}>
        <img src={before} alt={beforeLabel} className="absolute inset-0 h-full w-full object-contain" />
        <img
          src={after}
          alt={afterLabel}
          className="absolute inset-0 h-full w-full object-contain"
          style={{ clipPath: `inset(0 0 0 ${position}%)` }}
        />
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-y-0 w-0.5 bg-white shadow"
          style={{ left: `${position}%` }}
        />
      </div>
      <label htmlFor={sliderId} className="mt-2 block text-sm font-medium">
        Compare: {beforeLabel} (left) and {afterLabel} (right)
      </label>
      <input
        id={sliderId}
        type="range"
        min={0}
        max={100}
        step={1}
        value={position}
        aria-valuetext={`${position}% ${beforeLabel}, ${100 - position}% ${afterLabel}`}
        onChange={(event) => setPosition(Number(event.target.value))}
        className="w-full accent-indigo-700"
      />
    </figure>
  );
}

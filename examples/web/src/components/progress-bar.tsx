/** A labelled progress bar: `done` of `total` with an optional current item. */
export function ProgressBar({
  label,
  done,
  total,
  current,
}: {
  label: string;
  done: number;
  total: number;
  current?: string;
}) {
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div>
      <div className="mb-1 flex justify-between gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span>
          {done} / {total} ({percent}%)
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total}${current ? `, now ${current}` : ''}`}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      {current ? (
        <p className="mt-1 truncate font-mono text-xs text-slate-700" aria-live="polite">
          {current}
        </p>
      ) : null}
    </div>
  );
}

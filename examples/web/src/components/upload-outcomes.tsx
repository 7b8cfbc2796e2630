import type { UploadOutcome } from '../api/studio-api.js';

/** Per-file answer of an upload: accepted with its new name (and any warnings), or rejected with the reason. */
export function UploadOutcomes({ outcomes, label }: { outcomes: UploadOutcome[]; label: string }) {
  if (outcomes.length === 0) return null;
  const accepted = outcomes.filter((outcome) => outcome.accepted).length;
  return (
    <div className="mt-3" role="status">
      <p className="text-sm font-medium">
        {label}: {accepted} accepted, {outcomes.length - accepted} rejected
      </p>
      <ul className="mt-1 space-y-1 text-sm" aria-label={`${label} per file`}>
        {outcomes.map((outcome) => (
          <li
            key={`${outcome.file}:${outcome.storedName ?? outcome.reason}`}
            className={outcome.accepted ? 'text-emerald-900' : 'text-red-900'}
          >
            <span className="font-mono break-all">{outcome.file}</span>:{' '}
            {outcome.accepted ? (
              <>
                accepted as <span className="font-mono break-all">{outcome.storedName}</span>
                {outcome.warnings.length > 0 ? ` (${outcome.warnings.join('; ')})` : ''}
              </>
            ) : (
              <>
                rejected{outcome.code ? ` (${outcome.code})` : ''}: {outcome.reason}
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

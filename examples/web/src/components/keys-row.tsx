import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ApiKeyView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { formatWhen } from './format.js';

/** One API key: name, prefix, scope, created, last used or revoked; revoke behind a confirmation. */
export function KeyRow({ apiKey, current }: { apiKey: ApiKeyView; current: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: () => api.revokeKey(apiKey.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['keys'] }),
  });
  const label = `${apiKey.name ?? 'unnamed key'} (${apiKey.prefix}…)`;
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3" data-key={apiKey.prefix}>
      <div className="min-w-0 text-sm">
        <p className="font-medium break-all">
          {apiKey.name ?? 'Unnamed key'} <code className="font-mono text-xs">{apiKey.prefix}…</code>{' '}
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{apiKey.scope}</span>
          {current ? <span className="ml-1 text-xs text-indigo-800">(this session)</span> : null}
        </p>
        <p className="text-slate-600">
          Created {formatWhen(apiKey.createdAt)} ·{' '}
          {apiKey.lastUsedAt ? `last used ${formatWhen(apiKey.lastUsedAt)}` : 'never used'}
          {apiKey.revokedAt ? <span className="text-red-800"> · revoked {formatWhen(apiKey.revokedAt)}</span> : null}
        </p>
        {revoke.error ? <ErrorMessage error={revoke.error} title="Could not revoke the key" /> : null}
      </div>
      {apiKey.revokedAt || current ? null : confirming ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span>Revoke {label} for good?</span>
          <button
            type="button"
            onClick={() => revoke.mutate()}
            disabled={revoke.isPending}
            className="rounded-md bg-red-700 px-3 py-1.5 font-semibold text-white hover:bg-red-800 disabled:opacity-60"
          >
            Yes, revoke
          </button>
          <button
            type="button"
            onClick={() => setConfirming(false)}
            className="rounded-md border border-slate-400 px-3 py-1.5 font-medium hover:bg-slate-100"
          >
            Keep it
          </button>
        </div>
      ) : (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          aria-label={`Revoke ${label}`}
          className="rounded-md border border-red-700 px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50"
        >
          Revoke
        </button>
      )}
    </li>
  );
}

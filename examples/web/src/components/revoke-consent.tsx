import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { ModelOverviewView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { formatCounts } from './format.js';

/**
 * Revoking consent, behind a confirmation that says what stops and, when asked, what is deleted (everywhere the
 * model's data is stored: its sources, targets, results, captions, datasets and LoRAs).
 */
export function RevokeConsent({ overview }: { overview: ModelOverviewView }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const ids = { reason: useId(), delete: useId(), what: useId() };
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [deleteData, setDeleteData] = useState(false);
  const revoke = useMutation({
    mutationFn: () => api.revokeConsent(overview.name, { reason, deleteData }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['model', overview.name] }),
        queryClient.invalidateQueries({ queryKey: ['consent', overview.name] }),
        queryClient.invalidateQueries({ queryKey: ['images', overview.name] }),
        queryClient.invalidateQueries({ queryKey: ['results', overview.name] }),
        queryClient.invalidateQueries({ queryKey: ['thumbnail', overview.name] }),
      ]),
  });
  if (revoke.data) {
    return (
      <p role="status" className="mt-3 text-sm">
        Consent revoked. {deleteData ? `${revoke.data.deletedKeys} stored files deleted.` : 'The data was kept.'}
      </p>
    );
  }
  if (overview.consent !== 'recorded') return null;
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="mt-3 rounded-md border border-red-700 px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50"
      >
        Revoke consent…
      </button>
    );
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    revoke.mutate();
  }
  return (
    <form onSubmit={submit} aria-label="Revoke consent" className="mt-3 space-y-3 rounded-md border border-red-300 p-3">
      <p id={ids.what} className="text-sm">
        Revoking stops every further swap and training of <strong>{overview.name}</strong> at once. If you also delete
        its data, everything stored for it goes, everywhere it is stored: {overview.sources} sources, targets (
        {formatCounts(overview.targets)}), results ({formatCounts(overview.results)}), and its captions, datasets and
        LoRAs. Deleting cannot be undone.
      </p>
      <div>
        <label htmlFor={ids.reason} className="mb-1 block text-sm font-medium">
          Reason (in the subject's or your words)
        </label>
        <textarea
          id={ids.reason}
          required
          rows={2}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          className="w-full rounded-md border border-slate-400 px-3 py-2"
        />
      </div>
      <label htmlFor={ids.delete} className="flex items-start gap-2 text-sm">
        <input
          id={ids.delete}
          type="checkbox"
          className="mt-1"
          checked={deleteData}
          onChange={(event) => setDeleteData(event.target.checked)}
          aria-describedby={ids.what}
        />
        Also delete all of this model's data
      </label>
      {revoke.error ? <ErrorMessage error={revoke.error} title="Consent was not revoked" /> : null}
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={revoke.isPending || reason.trim() === ''}
          className="rounded-md bg-red-700 px-4 py-2 font-semibold text-white hover:bg-red-800 disabled:opacity-60"
        >
          {deleteData ? 'Revoke consent and delete the data' : 'Revoke consent'}
        </button>
        <button
          type="button"
          onClick={() => setOpen(false)}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100"
        >
          Keep consent
        </button>
      </div>
    </form>
  );
}

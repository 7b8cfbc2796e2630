import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { CaptionEdit } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';

type Action = CaptionEdit['action'];

/** Bulk prefix, suffix or find/replace over every caption: a preview (dry run) of each change, then apply or undo. */
export function CaptionBulkEdit({ model }: { model: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const ids = { action: useId(), text: useId(), pattern: useId() };
  const [action, setAction] = useState<Action>('prefix');
  const [text, setText] = useState('');
  const [pattern, setPattern] = useState('');
  const edit = (dryRun: boolean): CaptionEdit =>
    action === 'replace' ? { action, pattern, text, dryRun } : { action, text, dryRun };
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['captions', model] });
  const preview = useMutation({ mutationFn: () => api.editCaptions(model, edit(true)) });
  const apply = useMutation({
    mutationFn: () => api.editCaptions(model, edit(false)),
    onSuccess: () => {
      preview.reset();
      return refresh();
    },
  });
  const undo = useMutation({ mutationFn: () => api.undoCaptions(model), onSuccess: refresh });
  function submit(event: FormEvent) {
    event.preventDefault();
    preview.mutate();
  }
  const field = 'w-full rounded-md border border-slate-400 px-3 py-2';
  return (
    <div className="mb-4 space-y-3">
      <form onSubmit={submit} aria-label="Edit every caption" className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={ids.action} className="mb-1 block text-sm font-medium">
            Edit every caption
          </label>
          <select
            id={ids.action}
            value={action}
            onChange={(event) => setAction(event.target.value as Action)}
            className={field}
          >
            <option value="prefix">Add a prefix</option>
            <option value="suffix">Add a suffix</option>
            <option value="replace">Find and replace</option>
          </select>
        </div>
        {action === 'replace' ? (
          <div className="min-w-0 flex-1">
            <label htmlFor={ids.pattern} className="mb-1 block text-sm font-medium">
              Find (regular expression)
            </label>
            <input
              id={ids.pattern}
              required
              value={pattern}
              onChange={(event) => setPattern(event.target.value)}
              className={field}
            />
          </div>
        ) : null}
        <div className="min-w-0 flex-1">
          <label htmlFor={ids.text} className="mb-1 block text-sm font-medium">
            {action === 'replace' ? 'Replace with' : action === 'prefix' ? 'Prefix' : 'Suffix'}
          </label>
          <input id={ids.text} value={text} onChange={(event) => setText(event.target.value)} className={field} />
        </div>
        <button
          type="submit"
          disabled={preview.isPending}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100"
        >
          Preview
        </button>
        <button
          type="button"
          onClick={() => undo.mutate()}
          disabled={undo.isPending}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100"
        >
          Undo last edit
        </button>
      </form>
      {preview.error ? <ErrorMessage error={preview.error} title="No preview" /> : null}
      {apply.error ? <ErrorMessage error={apply.error} title="Not applied" /> : null}
      {undo.error ? <ErrorMessage error={undo.error} title="Nothing undone" /> : null}
      {undo.data ? (
        <p role="status" className="text-sm">
          Undone: {undo.data.description} ({undo.data.restored.length} captions restored).
        </p>
      ) : null}
      {preview.data ? (
        <section
          aria-label="Preview of the edit"
          className="rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm"
        >
          <p className="mb-2 font-medium">{preview.data.changes.length} captions would change:</p>
          <ul className="space-y-2">
            {preview.data.changes.map((change) => (
              <li key={change.name}>
                <span className="font-mono text-xs break-all">{change.name}</span>
                <p className="text-slate-700 line-through">{change.before}</p>
                <p>{change.after}</p>
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => apply.mutate()}
            disabled={apply.isPending || preview.data.changes.length === 0}
            className="mt-3 rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
          >
            Apply to {preview.data.changes.length} captions
          </button>
        </section>
      ) : null}
    </div>
  );
}

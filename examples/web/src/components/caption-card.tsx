import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { CaptionView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';

/** One result with its caption: inline edit (saving unchanged text accepts it as reviewed), state and issues. */
export function CaptionCard({ model, caption, imageUrl }: { model: string; caption: CaptionView; imageUrl?: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const textId = useId();
  const [text, setText] = useState(caption.text);
  const save = useMutation({
    mutationFn: () => api.setCaption(model, caption.name, text),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['captions', model] }),
  });
  return (
    <li className="flex flex-col gap-2 rounded-md border border-slate-200 p-2" data-caption={caption.name}>
      {imageUrl ? (
        <img src={imageUrl} alt="" loading="lazy" className="aspect-square w-full rounded object-cover" />
      ) : null}
      <label htmlFor={textId} className="font-mono text-xs break-all">
        Caption of {caption.name}
      </label>
      <textarea
        id={textId}
        rows={3}
        value={text}
        onChange={(event) => setText(event.target.value)}
        className="w-full rounded-md border border-slate-400 px-2 py-1 text-sm"
      />
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs">
        <span className={caption.valid ? 'text-emerald-800' : 'text-amber-900'}>
          {caption.state} by {caption.source}
          {caption.issues.length > 0 ? ` · ${caption.issues.join(', ')}` : ''}
        </span>
        <button
          type="button"
          onClick={() => save.mutate()}
          disabled={save.isPending}
          aria-label={`${text === caption.text ? 'Accept' : 'Save'} the caption of ${caption.name}`}
          className="rounded-md border border-slate-400 px-3 py-1 font-medium hover:bg-slate-100"
        >
          {text === caption.text ? 'Accept' : 'Save'}
        </button>
      </div>
      {save.error ? <ErrorMessage error={save.error} title="Not saved" /> : null}
    </li>
  );
}

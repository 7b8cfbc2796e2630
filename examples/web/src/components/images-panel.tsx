import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { UploadOutcome } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { ImageList } from './image-list.js';
import { Section } from './section.js';
import { UploadDropZone } from './upload-drop-zone.js';
import { UploadOutcomes } from './upload-outcomes.js';

function useUpload(model: string, upload: (files: File[]) => Promise<UploadOutcome[]>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: upload,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['images', model] }),
        queryClient.invalidateQueries({ queryKey: ['model', model] }),
      ]),
  });
}

/** Sources and targets of a model: uploads (drop or pick) with per-file results, and what is stored. */
export function ImagesPanel({ model, ratings }: { model: string; ratings: string[] }) {
  const api = useApi();
  const ratingId = useId();
  const choices = ratings.length > 0 ? ratings : ['sfw'];
  const [rating, setRating] = useState(choices[0] ?? 'sfw');
  const sources = useQuery({ queryKey: ['images', model, 'sources'], queryFn: () => api.listSources(model) });
  const targets = useQuery({ queryKey: ['images', model, 'targets'], queryFn: () => api.listTargets(model) });
  const uploadSources = useUpload(model, (files) => api.uploadSources(model, files));
  const uploadTargets = useUpload(model, (files) => api.uploadTargets(model, rating, files));
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Section title="Sources">
        <UploadDropZone
          label="Upload source photos"
          description="Photos of the subject's face (JPEG, PNG or WebP; at least 800 px)."
          disabled={uploadSources.isPending}
          onFiles={(files) => uploadSources.mutate(files)}
        />
        {uploadSources.isPending ? <p role="status">Uploading…</p> : null}
        {uploadSources.error ? <ErrorMessage error={uploadSources.error} title="Upload failed" /> : null}
        <UploadOutcomes outcomes={uploadSources.data ?? []} label="Source upload" />
        <div className="mt-4">
          {sources.error ? <ErrorMessage error={sources.error} /> : null}
          {sources.data ? <ImageList images={sources.data} label="Sources" /> : null}
        </div>
      </Section>
      <Section title="Targets">
        <div className="mb-3">
          <label htmlFor={ratingId} className="mr-2 text-sm font-medium">
            Rating of the next upload
          </label>
          <select
            id={ratingId}
            value={rating}
            onChange={(event) => setRating(event.target.value)}
            className="rounded-md border border-slate-400 px-2 py-1"
          >
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </div>
        <UploadDropZone
          label="Upload target photos"
          description="Bodies or scenes you hold the rights to use."
          disabled={uploadTargets.isPending}
          onFiles={(files) => uploadTargets.mutate(files)}
        />
        {uploadTargets.isPending ? <p role="status">Uploading…</p> : null}
        {uploadTargets.error ? <ErrorMessage error={uploadTargets.error} title="Upload failed" /> : null}
        <UploadOutcomes outcomes={uploadTargets.data ?? []} label="Target upload" />
        <div className="mt-4">
          {targets.error ? <ErrorMessage error={targets.error} /> : null}
          {targets.data ? <ImageList images={targets.data} label="Targets" /> : null}
        </div>
      </Section>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TargetProvenance, UploadOutcome } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { ImageList } from './image-list.js';
import { Section } from './section.js';
import { TargetProvenanceFields } from './target-provenance-fields.js';
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
        queryClient.invalidateQueries({ queryKey: ['thumbnail', model] }),
      ]),
  });
}

/** Sources and targets of a model: uploads (drop or pick) with per-file results, and what is stored. */
export function ImagesPanel({ model, ratings }: { model: string; ratings: string[] }) {
  const api = useApi();
  const choices = ratings.length > 0 ? ratings : ['sfw'];
  const [provenance, setProvenance] = useState<TargetProvenance>({
    rating: choices[0] ?? 'sfw',
    origin: '',
    rightsStatement: '',
  });
  const sources = useQuery({ queryKey: ['images', model, 'sources'], queryFn: () => api.listSources(model) });
  const targets = useQuery({ queryKey: ['images', model, 'targets'], queryFn: () => api.listTargets(model) });
  const uploadSources = useUpload(model, (files) => api.uploadSources(model, files));
  const uploadTargets = useUpload(model, (files) => api.uploadTargets(model, provenance, files));
  const targetsReady = provenance.origin.trim() !== '' && provenance.rightsStatement !== '';
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Section title="Sources">
        <UploadDropZone
          label="Upload source photos"
          description="Photos of the subject's face (JPEG, PNG or WebP)."
          disabled={uploadSources.isPending}
          onFiles={(files) => uploadSources.mutate(files)}
        />
        {uploadSources.isPending ? <p role="status">Uploading and checking…</p> : null}
        {uploadSources.error ? <ErrorMessage error={uploadSources.error} title="Upload failed" /> : null}
        <UploadOutcomes outcomes={uploadSources.data ?? []} label="Source upload" />
        <div className="mt-4">
          {sources.error ? <ErrorMessage error={sources.error} /> : null}
          {sources.data ? <ImageList images={sources.data} label="Sources" /> : null}
        </div>
      </Section>
      <Section title="Targets">
        <TargetProvenanceFields ratings={choices} value={provenance} onChange={setProvenance} />
        <UploadDropZone
          label="Upload target photos"
          description={
            targetsReady
              ? 'Bodies or scenes, per rating.'
              : 'First say where the photos came from and that you hold the rights.'
          }
          disabled={uploadTargets.isPending || !targetsReady}
          onFiles={(files) => uploadTargets.mutate(files)}
        />
        {uploadTargets.isPending ? <p role="status">Uploading and checking…</p> : null}
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

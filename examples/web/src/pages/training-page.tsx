import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ErrorMessage } from '../components/error-message.js';
import { LoraComparePanel } from '../components/lora-compare-panel.js';
import { LoraVersionsPanel } from '../components/lora-versions-panel.js';
import { SandboxBanner } from '../components/sandbox-banner.js';
import { nextVersion, TrainingDatasetPanel } from '../components/training-dataset-panel.js';
import { TrainingStartPanel } from '../components/training-start-panel.js';
import { useApi } from '../session/session-context.js';

/** A model's training: dataset, pre-flight, start with live loss, the LoRA versions, compare and download. */
export default function TrainingPage({ model }: { model: string }) {
  const api = useApi();
  const datasets = useQuery({ queryKey: ['datasets', model], queryFn: () => api.listDatasets(model) });
  const loras = useQuery({ queryKey: ['loras', model], queryFn: () => api.listLoras(model) });
  const health = useQuery({ queryKey: ['health'], queryFn: () => api.health(), staleTime: 60_000 });
  const overview = useQuery({ queryKey: ['model', model], queryFn: () => api.getModel(model) });
  const versions = (loras.data ?? []).map((lora) => lora.version);
  const last = overview.data?.lastJob;
  const runningJobId = last?.type === 'train' && ['queued', 'running'].includes(last.state) ? last.id : undefined;
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm break-all">
        <Link href="/" className="text-indigo-800 underline">
          Models
        </Link>{' '}
        /{' '}
        <Link href={`/models/${model}`} className="text-indigo-800 underline">
          {model}
        </Link>{' '}
        / <span aria-current="page">Training</span>
      </nav>
      <SandboxBanner />
      <h1 className="text-2xl font-semibold break-all">Training: {model}</h1>
      {datasets.error ? <ErrorMessage error={datasets.error} title="Could not list the datasets" /> : null}
      <TrainingDatasetPanel model={model} datasets={datasets.data} />
      <TrainingStartPanel
        model={model}
        datasets={datasets.data ?? []}
        nextLora={nextVersion(versions)}
        sandbox={health.data?.sandbox ?? false}
        {...(runningJobId && { runningJobId })}
      />
      <LoraVersionsPanel model={model} loras={loras.data} error={loras.error} />
      <LoraComparePanel model={model} loras={loras.data ?? []} />
    </div>
  );
}

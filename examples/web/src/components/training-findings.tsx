import type { PreflightView } from '../api/studio-api.js';

const tones: Record<string, string> = {
  error: 'border-red-300 bg-red-50 text-red-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-950',
};

/** `52365832` bytes → `52.4 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The pre-flight's answer: a verdict, each finding with its severity, message and fix, and the estimates. */
export function TrainingFindings({ report }: { report: PreflightView }) {
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  const loraBytes = report.estimates.loraBytes;
  return (
    <div className="space-y-2" aria-live="polite">
      <p className={`text-sm font-semibold ${errors > 0 ? 'text-red-800' : 'text-emerald-800'}`}>
        Pre-flight ({report.engine}):{' '}
        {errors > 0 ? `${errors} error${errors > 1 ? 's' : ''}: fix before training` : 'no errors'}
        {typeof loraBytes === 'number' ? ` · LoRA about ${formatBytes(loraBytes)}` : ''}
      </p>
      {report.findings.length > 0 ? (
        <ul className="space-y-2" aria-label="Pre-flight findings">
          {report.findings.map((finding, index) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: findings have no id and never reorder.
              key={index}
              className={`rounded-md border p-2 text-sm ${tones[finding.severity] ?? 'border-slate-300 bg-slate-50'}`}
            >
              <span className="mr-2 rounded bg-white/70 px-1.5 py-0.5 font-mono text-xs font-semibold uppercase">
                {finding.severity}
              </span>
              {finding.message}
              {finding.fix ? <span className="block text-xs">Fix: {finding.fix}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

import type { ModelOverviewView } from '../api/studio-api.js';

const styles: Record<ModelOverviewView['consent'], string> = {
  recorded: 'bg-emerald-100 text-emerald-900',
  revoked: 'bg-red-100 text-red-900',
  none: 'bg-amber-100 text-amber-900',
};
const labels: Record<ModelOverviewView['consent'], string> = {
  recorded: 'Consent recorded',
  revoked: 'Consent revoked',
  none: 'No consent record',
};

/** The model's consent state as a coloured label (text, never colour alone). */
export function ConsentBadge({ consent, ratings }: { consent: ModelOverviewView['consent']; ratings: string[] }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${styles[consent]}`}>
      {labels[consent]}
      {consent === 'recorded' && ratings.length > 0 ? `: ${ratings.join(', ')}` : ''}
    </span>
  );
}

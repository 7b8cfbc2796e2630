import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { ConsentInput, ModelOverviewView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { formatWhen } from './format.js';
import { RevokeConsent } from './revoke-consent.js';
import { Section } from './section.js';

const uses = ['swap', 'train', 'publish'] as const;

function ConsentForm({ model }: { model: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const ids = { subject: useId(), attestedBy: useId(), ratings: useId(), evidence: useId(), obtained: useId() };
  const [form, setForm] = useState({
    subject: '',
    attestedBy: '',
    ratings: 'sfw',
    evidenceRef: '',
    obtainedAt: new Date().toISOString().slice(0, 10),
    adult: false,
    uses: new Set<ConsentInput['allowedUses'][number]>(['swap']),
  });
  const save = useMutation({
    mutationFn: () =>
      api.putConsent(model, {
        subject: form.subject,
        adultAttested: form.adult,
        attestedBy: form.attestedBy,
        allowedRatings: form.ratings.split(/[\s,]+/).filter(Boolean),
        allowedUses: [...form.uses],
        obtainedAt: new Date(`${form.obtainedAt}T00:00:00Z`).toISOString(),
        evidenceRef: form.evidenceRef,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['model', model] }),
  });
  const field = 'w-full rounded-md border border-slate-400 px-3 py-2';
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2" aria-label="Record consent">
      <div>
        <label htmlFor={ids.subject} className="mb-1 block text-sm font-medium">
          Subject (name as on the evidence)
        </label>
        <input
          id={ids.subject}
          required
          className={field}
          value={form.subject}
          onChange={(e) => setForm({ ...form, subject: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.attestedBy} className="mb-1 block text-sm font-medium">
          Adult attested by
        </label>
        <input
          id={ids.attestedBy}
          required
          className={field}
          value={form.attestedBy}
          onChange={(e) => setForm({ ...form, attestedBy: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.ratings} className="mb-1 block text-sm font-medium">
          Allowed ratings (comma-separated)
        </label>
        <input
          id={ids.ratings}
          required
          className={field}
          value={form.ratings}
          onChange={(e) => setForm({ ...form, ratings: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.evidence} className="mb-1 block text-sm font-medium">
          Evidence reference
        </label>
        <input
          id={ids.evidence}
          required
          className={field}
          value={form.evidenceRef}
          onChange={(e) => setForm({ ...form, evidenceRef: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={ids.obtained} className="mb-1 block text-sm font-medium">
          Consent obtained on
        </label>
        <input
          id={ids.obtained}
          type="date"
          required
          className={field}
          value={form.obtainedAt}
          onChange={(e) => setForm({ ...form, obtainedAt: e.target.value })}
        />
      </div>
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium">Agreed uses</legend>
        <div className="flex flex-wrap gap-3">
          {uses.map((use) => (
            <label key={use} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={form.uses.has(use)}
                onChange={(e) => {
                  const next = new Set(form.uses);
                  if (e.target.checked) next.add(use);
                  else next.delete(use);
                  setForm({ ...form, uses: next });
                }}
              />
              {use}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input
          type="checkbox"
          required
          checked={form.adult}
          onChange={(e) => setForm({ ...form, adult: e.target.checked })}
        />
        The subject is an adult (attested)
      </label>
      {save.error ? (
        <div className="sm:col-span-2">
          <ErrorMessage error={save.error} title="Consent was not recorded" />
        </div>
      ) : null}
      <div className="sm:col-span-2">
        <button
          type="submit"
          disabled={save.isPending}
          className="rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
        >
          Record consent
        </button>
      </div>
    </form>
  );
}

/** The consent record (or a form to record one: nothing is processed without it). */
export function ConsentPanel({ overview }: { overview: ModelOverviewView }) {
  const { name: model, consent: state } = overview;
  const api = useApi();
  const consent = useQuery({
    queryKey: ['consent', model, state],
    queryFn: () => api.getConsent(model),
    enabled: state !== 'none',
  });
  return (
    <Section title="Consent">
      {state === 'none' ? (
        <>
          <p className="mb-3 text-sm text-slate-700">
            No consent record yet: nothing is swapped or trained without one.
          </p>
          <ConsentForm model={model} />
        </>
      ) : null}
      {consent.error ? <ErrorMessage error={consent.error} /> : null}
      {consent.data ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600">Subject</dt>
          <dd>{consent.data.subject}</dd>
          <dt className="text-slate-600">Adult attested</dt>
          <dd>{consent.data.adultAttested ? `yes, by ${consent.data.attestedBy}` : 'no'}</dd>
          <dt className="text-slate-600">Ratings</dt>
          <dd>{consent.data.allowedRatings.join(', ')}</dd>
          <dt className="text-slate-600">Uses</dt>
          <dd>{consent.data.allowedUses.join(', ')}</dd>
          <dt className="text-slate-600">Obtained</dt>
          <dd>{formatWhen(consent.data.obtainedAt)}</dd>
          <dt className="text-slate-600">Evidence</dt>
          <dd className="break-all">{consent.data.evidenceRef}</dd>
          {consent.data.revokedAt ? (
            <>
              <dt className="text-slate-600">Revoked</dt>
              <dd>{formatWhen(consent.data.revokedAt)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {state !== 'none' ? <RevokeConsent key={overview.name} overview={overview} /> : null}
    </Section>
  );
}

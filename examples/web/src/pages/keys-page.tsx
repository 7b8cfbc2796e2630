import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'wouter';
import type { ApiKeyView } from '../api/studio-api.js';
import { ErrorMessage } from '../components/error-message.js';
import { KeyRow } from '../components/keys-row.js';
import { LoadingState } from '../components/loading-state.js';
import { Section } from '../components/section.js';
import { useApi, useSession } from '../session/session-context.js';

type Scope = ApiKeyView['scope'];

/** The form that creates a key, and the new key's secret, shown this once. */
function NewKeyForm() {
  const api = useApi();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const nameId = useId();
  const scopeId = useId();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const create = useMutation({
    mutationFn: () => api.createKey({ scope, ...(name.trim() && { name: name.trim() }) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['keys'] }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const scopes: Scope[] = me?.key.scope === 'admin' ? ['read', 'write', 'admin'] : ['read', 'write'];
  return (
    <div className="space-y-3">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3" aria-label="New API key">
        <div className="min-w-0 flex-1">
          <label htmlFor={nameId} className="mb-1 block text-sm font-medium">
            Key name (optional)
          </label>
          <input
            id={nameId}
            value={name}
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
            className="w-full rounded-md border border-slate-400 px-3 py-2"
            placeholder="laptop script"
          />
        </div>
        <div>
          <label htmlFor={scopeId} className="mb-1 block text-sm font-medium">
            Scope
          </label>
          <select
            id={scopeId}
            value={scope}
            onChange={(event) => setScope(event.target.value as Scope)}
            className="rounded-md border border-slate-400 px-3 py-2"
          >
            {scopes.map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
        >
          Create key
        </button>
      </form>
      {create.error ? <ErrorMessage error={create.error} title="Could not create the key" /> : null}
      {create.data ? (
        <div role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm">
          <p className="font-semibold">
            New {create.data.key.scope} key{create.data.key.name ? ` "${create.data.key.name}"` : ''}: copy it now, it
            is not shown again.
          </p>
          <input
            readOnly
            value={create.data.secret}
            aria-label="The new API key"
            onFocus={(event) => event.target.select()}
            className="mt-2 w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs"
          />
        </div>
      ) : null}
    </div>
  );
}

/** The signed-in user's API keys: each with its prefix, scope and last use; create one (shown once), revoke one. */
export default function KeysPage() {
  const api = useApi();
  const { me } = useSession();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api.listKeys() });
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/" className="text-indigo-800 underline">
          Models
        </Link>{' '}
        / API keys
      </p>
      <h1 className="text-2xl font-semibold">API keys</h1>
      <p className="text-sm text-slate-700">
        A key acts as you on the API (sent as Authorization: Bearer). Only its first characters are kept to show here; a
        revoked key stops working at once.
        {me ? ` You are signed in with ${me.key.prefix}….` : ''}
      </p>
      <Section title="New key">
        <NewKeyForm />
      </Section>
      <Section title="Your keys">
        {keys.isPending ? <LoadingState label="Loading keys" /> : null}
        {keys.error ? <ErrorMessage error={keys.error} title="Could not load the keys" /> : null}
        {keys.data ? (
          <ul aria-label="API keys" className="divide-y divide-slate-200">
            {keys.data.map((key) => (
              <KeyRow key={key.id} apiKey={key} current={key.id === me?.key.id} />
            ))}
          </ul>
        ) : null}
        {keys.data?.length === 0 ? <p className="text-sm text-slate-600">No keys.</p> : null}
      </Section>
    </div>
  );
}

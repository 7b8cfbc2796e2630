import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage } from '../components/error-message.js';
import { useSession } from '../session/session-context.js';

/** Sign-in with an API key: checked against `GET /v1/me`, then kept for this tab only. */
export default function SignInPage() {
  const { signIn, notice } = useSession();
  const inputId = useId();
  const helpId = useId();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <h1 className="mb-2 text-2xl font-semibold">AI Model Studio</h1>
      <p className="mb-6 text-slate-700">Sign in with an API key from your studio server.</p>
      {notice ? (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <div>
          <label htmlFor={inputId} className="mb-1 block font-medium">
            API key
          </label>
          <input
            id={inputId}
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={key}
            onChange={(event) => setKey(event.target.value)}
            aria-describedby={helpId}
            className="w-full rounded-md border border-slate-400 px-3 py-2 font-mono"
            placeholder="msk_…"
          />
          <p id={helpId} className="mt-1 text-sm text-slate-600">
            <code>studio-server</code> prints an admin key on its first start. The key stays in this tab only.
          </p>
        </div>
        {error ? <ErrorMessage error={error} title="Sign-in failed" /> : null}
        <button
          type="submit"
          disabled={busy || key.trim() === ''}
          className="w-full rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
        >
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

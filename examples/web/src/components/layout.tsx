import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { useSession } from '../session/session-context.js';

/** Page frame: skip link, header with the home link and sign-out, the main landmark. */
export function Layout({ children }: { children: ReactNode }) {
  const { signOut, me } = useSession();
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-slate-900">
            AI Model Studio
          </Link>
          <div className="flex items-center gap-3 text-sm">
            {me ? (
              <span className="text-slate-600">
                {me.user.name} <span className="text-slate-500">({me.key.scope} key)</span>
              </span>
            ) : null}
            <button
              type="button"
              onClick={() => signOut()}
              className="rounded-md border border-slate-300 px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-100"
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiProblem } from '../api/api-problem.js';
import { createStudioApi } from '../api/create-studio-api.js';
import type { Me, StudioApi } from '../api/studio-api.js';

/** Where the key is kept: this tab's session storage (gone when the tab closes), never the URL or local storage. */
const storageKey = 'model-studio.api-key';

/** The signed-in state every page reads. */
export interface Session {
  /** The API for the held key, or `undefined` when signed out. */
  api: StudioApi | undefined;
  /** Who the key belongs to, once `GET /v1/me` answered. */
  me: Me | undefined;
  /** Checks the key with `GET /v1/me` and keeps it for this tab; throws the server's problem when refused. */
  signIn(key: string): Promise<void>;
  /** Forgets the key and every cached answer; `notice` says why on the sign-in page. */
  signOut(notice?: string): void;
  /** Why the last session ended, when it was not the user's choice. */
  notice: string | undefined;
}

const refused = 'The server refused your API key (revoked or unknown): sign in again with a valid key.';

const SessionContext = createContext<Session | undefined>(undefined);

function readStoredKey(): string | undefined {
  try {
    return sessionStorage.getItem(storageKey) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Holds the API key in memory (and this tab's session storage) and the API made for it. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState(readStoredKey);
  const [me, setMe] = useState<Me>();
  const [notice, setNotice] = useState<string>();
  const api = useMemo(
    () => (key ? createStudioApi({ baseUrl: window.location.origin, apiKey: key }) : undefined),
    [key],
  );

  const signOut = useCallback(
    (why?: string) => {
      setNotice(why);
      sessionStorage.removeItem(storageKey);
      queryClient.clear();
      setMe(undefined);
      setKey(undefined);
    },
    [queryClient],
  );

  useEffect(() => {
    if (!api || me) return;
    api.me().then(setMe, (error: unknown) => {
      if (error instanceof ApiProblem && error.status === 401) signOut(refused);
    });
  }, [api, me, signOut]);

  // Any answer 401 (the key was revoked while signed in) ends the session and says why.
  useEffect(() => {
    const onError = (error: unknown) => {
      if (error instanceof ApiProblem && error.status === 401) signOut(refused);
    };
    const queries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') onError(event.action.error);
    });
    const mutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') onError(event.action.error);
    });
    return () => {
      queries();
      mutations();
    };
  }, [queryClient, signOut]);

  const signIn = useCallback(async (candidate: string) => {
    const trimmed = candidate.trim();
    const found = await createStudioApi({ baseUrl: window.location.origin, apiKey: trimmed }).me();
    sessionStorage.setItem(storageKey, trimmed);
    setNotice(undefined);
    setMe(found);
    setKey(trimmed);
  }, []);

  const value = useMemo(() => ({ api, me, signIn, signOut, notice }), [api, me, signIn, signOut, notice]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; throws outside {@link SessionProvider}. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}

/** The API of a signed-in page (pages under the signed-in routes only). */
export function useApi(): StudioApi {
  const { api } = useSession();
  if (!api) throw new Error('useApi needs a signed-in session');
  return api;
}

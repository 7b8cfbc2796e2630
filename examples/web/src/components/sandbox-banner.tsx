import { useQuery } from '@tanstack/react-query';
import { useApi } from '../session/session-context.js';

/** Says SANDBOX when the server runs on provider emulators (no real credits spent, no real swaps). */
export function SandboxBanner() {
  const api = useApi();
  const health = useQuery({ queryKey: ['health'], queryFn: () => api.health(), staleTime: 60_000 });
  if (!health.data?.sandbox) return null;
  return (
    <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <strong>SANDBOX</strong>: {health.data.provider.replace(/^SANDBOX:\s*/, '')}. Results come from emulators.
    </p>
  );
}

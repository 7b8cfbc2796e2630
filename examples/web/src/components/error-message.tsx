import { describeError } from '../api/api-problem.js';

/** An error announced to screen readers, with the server's problem detail when there is one. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      {title ? <p className="font-semibold">{title}</p> : null}
      <p>{describeError(error)}</p>
    </div>
  );
}

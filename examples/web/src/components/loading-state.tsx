/** A polite "loading" status for screen readers and eyes. */
export function LoadingState({ label }: { label: string }) {
  return (
    <p role="status" className="p-6 text-slate-600">
      {label}…
    </p>
  );
}

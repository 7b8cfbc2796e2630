import { useMutation } from '@tanstack/react-query';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { formatBytes } from './training-findings.js';

/**
 * Export of a version's weights: asks the server for a short-lived signed link, then offers it as an `<a download>`
 * (the browser fetches the file from storage, never through the server) with the SHA-256 to check it by.
 */
export function LoraDownload({ model, version }: { model: string; version: string }) {
  const api = useApi();
  const link = useMutation({ mutationFn: () => api.loraLink(model, version) });
  if (link.data) {
    const { url, size, sha256, sandbox, expiresAt } = link.data;
    return (
      <div className="space-y-1 text-sm">
        <a
          href={url}
          download={`${model}-${version}.safetensors`}
          className="inline-block rounded-md bg-indigo-700 px-3 py-1.5 font-semibold text-white hover:bg-indigo-800"
        >
          Download {version} weights ({formatBytes(size)}
          {sandbox ? ', SANDBOX' : ''})
        </a>
        <p className="font-mono text-xs break-all text-slate-700">SHA-256 {sha256}</p>
        <p className="text-xs text-slate-600">The link works until {new Date(expiresAt).toLocaleTimeString()}.</p>
      </div>
    );
  }
  return (
    <div>
      <button
        type="button"
        onClick={() => link.mutate()}
        disabled={link.isPending}
        className="rounded-md border border-slate-400 px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
      >
        Get a download link for {version}
      </button>
      {link.error ? <ErrorMessage error={link.error} title="No download link" /> : null}
    </div>
  );
}

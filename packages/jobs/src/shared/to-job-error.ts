import type { JobError } from '../job-queue.js';

/** A thrown value as a stored job error: its class name and message only (never a stack or a cause). */
export function toJobError(error: unknown): JobError {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message };
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message } = error as { name?: unknown; message: unknown };
    return { name: typeof name === 'string' ? name : 'Error', message: String(message) };
  }
  return { name: 'Error', message: String(error) };
}

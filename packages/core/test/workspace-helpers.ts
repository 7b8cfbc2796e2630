import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A clock that starts at 2026-01-01T00:00:00Z and moves one second per call, so timestamps are predictable. */
export function steppingClock(start = Date.parse('2026-01-01T00:00:00Z')): () => Date {
  let now = start;
  return () => {
    const date = new Date(now);
    now += 1000;
    return date;
  };
}

/** Makes temporary folders that are removed after each test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ms-workspace-'));
    made.push(dir);
    return dir;
  };
}

/** Catches what `promise` rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

export const bytes = (text: string) => new TextEncoder().encode(text);

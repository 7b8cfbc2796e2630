import { randomBytes } from 'node:crypto';

let lastTime = 0;

/**
 * A new job id: a time part that grows within a process (so ids sort in creation order) and 10 random URL-safe
 * characters. Only `[A-Za-z0-9_-]`: safe in a file name, a URL and a Redis key.
 */
export function createJobId(): string {
  const now = Math.max(Date.now(), lastTime + 1);
  lastTime = now;
  return `${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('base64url').slice(0, 10)}`;
}

/** True when `id` has the shape of a job id (any safe string: ids from other versions stay readable). */
export function isJobIdShape(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id);
}

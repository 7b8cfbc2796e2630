import { hostname } from 'node:os';

/** The default worker id: `<hostname>:<pid>`. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

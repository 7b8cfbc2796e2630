import { ValidationError } from '@model-studio/core';
import type { RedisOptions } from 'ioredis';

/**
 * ioredis options from a `redis://` / `rediss://` URL (user, password, host, port, `/db`) or options as given. The
 * message of a bad URL never repeats it (it may hold a password).
 */
export function toRedisOptions(connection: string | RedisOptions): RedisOptions {
  if (typeof connection !== 'string') return { ...connection };
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new ValidationError('The Redis connection is not a URL: use redis://[user:password@]host:port[/db].', {
      field: 'connection',
    });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ValidationError(`A Redis URL starts with redis:// or rediss://, not ${url.protocol}//.`, {
      field: 'connection',
    });
  }
  const db = url.pathname.replace(/^\//, '');
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
  };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  if (db) {
    if (!/^\d+$/.test(db))
      throw new ValidationError("The Redis URL's path is a database number, as in redis://host:6379/0 (0 to 15).", {
        field: 'connection',
      });
    options.db = Number(db);
  }
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

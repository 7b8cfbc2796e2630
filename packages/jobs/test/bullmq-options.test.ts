import { ValidationError } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import { toRedisOptions } from '../src/bullmq/redis-connection-options.js';
import { createBullmqJobQueue } from '../src/index.js';
import { startRedisServer, waitUntil } from '../src/testing/index.js';

describe('BullMQ queue options', () => {
  it('reads user, password, host, port and database from a Redis URL', () => {
    expect(toRedisOptions('redis://worker:s%3Acret@127.0.0.1:6390/3')).toEqual({
      host: '127.0.0.1',
      port: 6390,
      username: 'worker',
      password: 's:cret',
      db: 3,
    });
    expect(toRedisOptions('rediss://[::1]:7000')).toMatchObject({ host: '::1', port: 7000, tls: {} });
    expect(toRedisOptions({ host: 'redis.internal', port: 6380 })).toEqual({ host: 'redis.internal', port: 6380 });
  });

  it('refuses what is not a Redis URL with a ValidationError that never repeats the URL', () => {
    for (const bad of [
      'http://user:hunter2@127.0.0.1:6379',
      'not a url hunter2',
      'redis://127.0.0.1:6379/db-hunter2',
    ]) {
      let error: unknown;
      try {
        createBullmqJobQueue({ connection: bad });
      } catch (caught) {
        error = caught;
      }
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/redis:\/\//);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('close() returns even when Redis cannot be reached, and reports the connection errors to onError', async () => {
    const errors: Error[] = [];
    const queue = createBullmqJobQueue({
      connection: 'redis://127.0.0.1:1',
      lockDuration: 500,
      onError: (error) => errors.push(error),
    });
    const worker = queue.work({ run: async () => undefined });
    await waitUntil('a connection error was reported', () =>
      errors.some((error) => /ECONNREFUSED/.test(error.message)),
    );
    await worker.stop();
    await queue.close();
  });

  it('startRedisServer says to run scripts/redis/install.sh when redis-server is not installed', async () => {
    await expect(startRedisServer({ command: 'no-such-redis-server-here' })).rejects.toThrow(
      /scripts\/redis\/install\.sh/,
    );
  });
});

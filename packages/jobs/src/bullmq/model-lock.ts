import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** A held model lock: renew it while the job runs, release it at the end. */
export interface HeldModelLock {
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * One job per model across every worker: `SET <prefix>:model-lock:<model> <token> NX PX ttl`. A dead worker's lock
 * expires after `ttl` ms, so a taker can run the model. Returns `undefined` while another holder has it.
 */
export async function acquireModelLock(
  client: Redis,
  prefix: string,
  model: string,
  holder: string,
  ttl: number,
): Promise<HeldModelLock | undefined> {
  const key = `${prefix}:model-lock:${encodeURIComponent(model)}`;
  const token = `${holder}:${randomBytes(6).toString('hex')}`;
  const taken = await client.set(key, token, 'PX', ttl, 'NX');
  if (taken !== 'OK') return undefined;
  return {
    async renew() {
      return Number(await client.eval(renewScript, 1, key, token, String(ttl))) === 1;
    },
    async release() {
      await client.eval(releaseScript, 1, key, token);
    },
  };
}

import type { Redis } from 'ioredis';
import type { JobEvent, JobFilter, JobRecord } from '../job-queue.js';
import { isJobIdShape } from '../shared/job-id.js';

const compareAndSet = `
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'rev', tostring(tonumber(ARGV[1]) + 1))
return 1`;

const appendEvents = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local last = redis.call('HINCRBY', KEYS[1], 'eventSeq', #ARGV)
local first = last - #ARGV + 1
for i = 1, #ARGV do
  redis.call('XADD', KEYS[2], (first + i - 1) .. '-1', 'e', ARGV[i])
end
return first`;

/** Parses stream entries `[id, ['e', json]]` into events. */
function toEvents(entries: [string, string[]][]): JobEvent[] {
  return entries.map(([streamId, fields]) => {
    const body = JSON.parse(fields[1] ?? '{}') as Omit<JobEvent, 'seq'>;
    return { seq: Number(streamId.split('-')[0]), at: body.at, type: body.type, data: body.data };
  });
}

/**
 * The BullMQ queue's records in Redis: a hash per job (`record` JSON, `rev` for compare-and-set, `eventSeq`),
 * sorted sets for listing (all, by owner, by model; scored by a creation counter), and a stream per job for events.
 */
export class RedisJobStore {
  constructor(
    readonly client: Redis,
    readonly prefix: string,
  ) {}

  jobKey(id: string): string {
    return `${this.prefix}:job:${id}`;
  }

  eventKey(id: string): string {
    return `${this.prefix}:events:${id}`;
  }

  private indexKey(kind: 'all' | 'owner' | 'model', value = ''): string {
    return kind === 'all' ? `${this.prefix}:jobs` : `${this.prefix}:jobs:${kind}:${encodeURIComponent(value)}`;
  }

  async create(record: JobRecord): Promise<void> {
    const order = await this.client.incr(`${this.prefix}:order`);
    await this.client
      .multi()
      .hset(this.jobKey(record.id), 'record', JSON.stringify(record), 'rev', '1', 'eventSeq', '0')
      .zadd(this.indexKey('all'), order, record.id)
      .zadd(this.indexKey('owner', record.owner), order, record.id)
      .zadd(this.indexKey('model', record.model), order, record.id)
      .exec();
  }

  private async readWithRev(id: string): Promise<[JobRecord, string] | undefined> {
    if (!isJobIdShape(id)) return undefined;
    const [json, rev] = await this.client.hmget(this.jobKey(id), 'record', 'rev');
    if (!json || !rev) return undefined;
    return [JSON.parse(json) as JobRecord, rev];
  }

  async read(id: string): Promise<JobRecord | undefined> {
    return (await this.readWithRev(id))?.[0];
  }

  /**
   * Reads, changes and writes one record with compare-and-set (retried when another process wrote in between).
   * `change` returns the new record, or `undefined` to leave it. Returns `[before, after]`; `undefined` for no job.
   */
  async update(
    id: string,
    change: (record: JobRecord) => JobRecord | undefined,
  ): Promise<[JobRecord, JobRecord] | undefined> {
    for (;;) {
      const current = await this.readWithRev(id);
      if (!current) return undefined;
      const [before, rev] = current;
      const after = change(structuredClone(before));
      if (!after) return [before, before];
      const applied = await this.client.eval(compareAndSet, 1, this.jobKey(id), rev, JSON.stringify(after));
      if (applied === 1) return [before, after];
    }
  }

  async list(filter: JobFilter): Promise<JobRecord[]> {
    const index =
      filter.owner !== undefined
        ? this.indexKey('owner', filter.owner)
        : filter.model !== undefined
          ? this.indexKey('model', filter.model)
          : this.indexKey('all');
    const ids = await this.client.zrevrange(index, 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hget(this.jobKey(id), 'record');
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([, json]) => (typeof json === 'string' ? (JSON.parse(json) as JobRecord) : undefined))
      .filter(
        (record): record is JobRecord =>
          record !== undefined &&
          (filter.owner === undefined || record.owner === filter.owner) &&
          (filter.model === undefined || record.model === filter.model) &&
          (filter.state === undefined || record.state === filter.state),
      );
  }

  /**
   * A new BullMQ job id for the job (`<id>-<n>`), remembered as the current one: a BullMQ job left over from an
   * earlier round (cancelled while waiting, then resumed) is recognised and dropped.
   */
  async nextBullJobId(id: string): Promise<string> {
    const round = await this.client.hincrby(this.jobKey(id), 'round', 1);
    const bullJobId = `${id}-${round}`;
    await this.client.hset(this.jobKey(id), 'bullJobId', bullJobId);
    return bullJobId;
  }

  /** The BullMQ job id of the job's current round. */
  async currentBullJobId(id: string): Promise<string | undefined> {
    if (!isJobIdShape(id)) return undefined;
    return (await this.client.hget(this.jobKey(id), 'bullJobId')) ?? undefined;
  }

  /** Appends an event (numbered atomically); `undefined` when no job has the id. */
  async append(id: string, type: string, data: unknown): Promise<JobEvent | undefined> {
    return (await this.appendMany(id, [{ type, data }]))?.[0];
  }

  /**
   * Appends events in order with one script (numbered atomically, one after another); `undefined` when no job has
   * the id.
   */
  async appendMany(id: string, items: readonly { type: string; data: unknown }[]): Promise<JobEvent[] | undefined> {
    if (!isJobIdShape(id)) return undefined;
    if (items.length === 0) return (await this.client.exists(this.jobKey(id))) === 1 ? [] : undefined;
    const at = new Date().toISOString();
    const events = items.map((item) => ({ at, type: item.type, data: item.data ?? null }));
    const bodies = events.map((event) => JSON.stringify(event));
    const first = Number(await this.client.eval(appendEvents, 2, this.jobKey(id), this.eventKey(id), ...bodies));
    return first < 0 ? undefined : events.map((event, index) => ({ seq: first + index, ...event }));
  }

  async events(id: string, after: number): Promise<JobEvent[]> {
    if (!isJobIdShape(id)) return [];
    return toEvents((await this.client.xrange(this.eventKey(id), `${after + 1}-0`, '+')) as [string, string[]][]);
  }

  async tail(id: string): Promise<JobEvent | undefined> {
    return toEvents((await this.client.xrevrange(this.eventKey(id), '+', '-', 'COUNT', 1)) as [string, string[]][])[0];
  }

  /** Waits (on a blocking connection) until an event after `after` is appended, or `blockMs` passes. */
  async waitForEvent(blocking: Redis, id: string, after: number, blockMs: number): Promise<void> {
    await blocking.xread('COUNT', 1, 'BLOCK', blockMs, 'STREAMS', this.eventKey(id), `${after}-1`);
  }
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError, type Storage, ValidationError } from '@model-studio/core';
import type { AccountStore, ApiKeyRecord, Caller, CreatedApiKey, KeyScope, UserRecord } from './account-store.js';

interface StoredKey extends ApiKeyRecord {
  /** Hex SHA-256 of the secret. */
  hash: string;
}

const userNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const modelNamePattern = /^[a-z0-9][a-z0-9-]*$/;
const secretPattern = /^msk_[A-Za-z0-9_-]{43}$/;
const lastUsedEveryMs = 60_000;
const cacheMs = 2_000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The key id is derived from its hash, so a presented secret finds its record without scanning every key. */
function keyIdOf(hash: string): string {
  return `key_${hash.slice(0, 20)}`;
}

function withoutHash(stored: StoredKey): ApiKeyRecord {
  const { hash: _hash, ...record } = stored;
  return record;
}

async function readJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  if ((await storage.head(key)) === undefined) return undefined;
  try {
    const text = await new Response(await storage.get(key)).text();
    return JSON.parse(text) as T;
  } catch (error) {
    if (NotFoundError.isInstance(error)) return undefined;
    throw error;
  }
}

async function writeJson(storage: Storage, key: string, value: unknown): Promise<void> {
  await storage.put(key, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`), {
    contentType: 'application/json',
  });
}

async function listJson<T>(storage: Storage, prefix: string): Promise<T[]> {
  const values: T[] = [];
  for await (const object of storage.list({ prefix })) {
    if (!object.key.endsWith('.json')) continue;
    const value = await readJson<T>(storage, object.key);
    if (value !== undefined) values.push(value);
  }
  return values;
}

/**
 * An {@link AccountStore} in a core `Storage` (the workspace's): `server/users/<id>.json`, `server/keys/<id>.json`
 * (the key's SHA-256 hash, never the key) and `server/models/<model>.json` (the owner). Authentication results are
 * cached for two seconds, so a revoked key stops working everywhere within that time.
 */
export class StorageAccountStore implements AccountStore {
  readonly #storage: Storage;
  readonly #now: () => Date;
  readonly #cache = new Map<string, { caller: Caller; until: number }>();
  /** Owners of `server/models/<model>.json` by key, with the version tag they were read at. */
  readonly #owners = new Map<string, { tag: string; owner: string | undefined }>();

  /**
   * @param storage - where the records live (the workspace's storage).
   * @param options.now - the clock (tests).
   */
  constructor(storage: Storage, options: { now?: () => Date } = {}) {
    this.#storage = storage;
    this.#now = options.now ?? (() => new Date());
  }

  async createUser(name: string, options: { admin?: boolean } = {}): Promise<UserRecord> {
    if (!userNamePattern.test(name)) {
      throw new ValidationError(
        `A user name is 1-63 lower-case letters, digits and hyphens, starting with a letter or digit (got "${name}").`,
        { field: 'name', value: name },
      );
    }
    if (await this.findUser(name)) {
      throw new ValidationError(`A user named "${name}" already exists: choose another name.`, { field: 'name' });
    }
    const user: UserRecord = {
      id: `usr_${randomBytes(9).toString('base64url')}`,
      name,
      admin: options.admin === true,
      createdAt: this.#now().toISOString(),
    };
    await writeJson(this.#storage, `server/users/${user.id}.json`, user);
    return user;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    if (!/^usr_[A-Za-z0-9_-]+$/.test(id)) return undefined;
    return readJson<UserRecord>(this.#storage, `server/users/${id}.json`);
  }

  async findUser(name: string): Promise<UserRecord | undefined> {
    return (await this.listUsers()).find((user) => user.name === name);
  }

  async listUsers(): Promise<UserRecord[]> {
    const users = await listJson<UserRecord>(this.#storage, 'server/users/');
    return users.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.listUsers()).some((user) => user.admin);
  }

  async createKey(userId: string, options: { scope: KeyScope; name?: string }): Promise<CreatedApiKey> {
    const user = await this.getUser(userId);
    if (!user) throw new NotFoundError(`No user has the id "${userId}".`, { kind: 'user', name: userId });
    if (options.scope === 'admin' && !user.admin) {
      throw new ValidationError(`User "${user.name}" is not an admin: only admins may hold admin keys.`, {
        field: 'scope',
      });
    }
    const secret = `msk_${randomBytes(32).toString('base64url')}`;
    const hash = sha256(secret);
    const stored: StoredKey = {
      id: keyIdOf(hash),
      userId,
      prefix: secret.slice(0, 8),
      scope: options.scope,
      createdAt: this.#now().toISOString(),
      hash,
    };
    if (options.name) stored.name = options.name;
    await writeJson(this.#storage, `server/keys/${stored.id}.json`, stored);
    return { key: withoutHash(stored), secret };
  }

  async listKeys(userId?: string): Promise<ApiKeyRecord[]> {
    const keys = await listJson<StoredKey>(this.#storage, 'server/keys/');
    return keys
      .filter((key) => userId === undefined || key.userId === userId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(withoutHash);
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const stored = await this.#readKey(id);
    return stored && withoutHash(stored);
  }

  async revokeKey(id: string): Promise<ApiKeyRecord> {
    const stored = await this.#readKey(id);
    if (!stored) throw new NotFoundError(`No API key has the id "${id}".`, { kind: 'api-key', name: id });
    if (!stored.revokedAt) {
      stored.revokedAt = this.#now().toISOString();
      await writeJson(this.#storage, `server/keys/${id}.json`, stored);
    }
    for (const [hash, entry] of this.#cache) if (entry.caller.key.id === id) this.#cache.delete(hash);
    return withoutHash(stored);
  }

  async authenticate(secret: string): Promise<Caller | undefined> {
    if (!secretPattern.test(secret)) return undefined;
    const hash = sha256(secret);
    const now = this.#now().getTime();
    const cached = this.#cache.get(hash);
    if (cached && cached.until > now) return cached.caller;
    const stored = await this.#readKey(keyIdOf(hash));
    if (!stored || stored.revokedAt) return undefined;
    const expected = Buffer.from(stored.hash, 'hex');
    const presented = Buffer.from(hash, 'hex');
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return undefined;
    const user = await this.getUser(stored.userId);
    if (!user) return undefined;
    if (!stored.lastUsedAt || now - Date.parse(stored.lastUsedAt) >= lastUsedEveryMs) {
      stored.lastUsedAt = new Date(now).toISOString();
      await writeJson(this.#storage, `server/keys/${stored.id}.json`, stored);
    }
    const caller: Caller = { user, key: withoutHash(stored) };
    this.#cache.set(hash, { caller, until: now + cacheMs });
    return caller;
  }

  async setModelOwner(model: string, userId: string): Promise<void> {
    const owner = await this.modelOwner(model);
    if (owner === userId) return;
    if (owner !== undefined) {
      throw new ValidationError(`The model name "${model}" is taken: choose another name.`, { field: 'name' });
    }
    await writeJson(this.#storage, `server/models/${model}.json`, {
      owner: userId,
      createdAt: this.#now().toISOString(),
    });
  }

  async modelOwner(model: string): Promise<string | undefined> {
    if (!modelNamePattern.test(model)) return undefined;
    return (await readJson<{ owner: string }>(this.#storage, `server/models/${model}.json`))?.owner;
  }

  async listModels(userId: string): Promise<string[]> {
    const models: string[] = [];
    for await (const object of this.#storage.list({ prefix: 'server/models/' })) {
      if (!object.key.endsWith('.json')) continue;
      // A listing tells each file's version: only new or changed ownership files are read again.
      const tag = `${object.etag ?? ''}:${object.size}:${object.lastModified.getTime()}`;
      let known = this.#owners.get(object.key);
      if (known?.tag !== tag) {
        known = { tag, owner: (await readJson<{ owner: string }>(this.#storage, object.key))?.owner };
        this.#owners.set(object.key, known);
      }
      if (known.owner === userId) models.push(object.key.slice('server/models/'.length, -'.json'.length));
    }
    return models.sort();
  }

  async assertModelOwner(model: string, userId: string): Promise<void> {
    if ((await this.modelOwner(model)) !== userId) {
      throw new NotFoundError(`No model named "${model}": create it with POST /v1/models.`, {
        kind: 'model',
        name: model,
      });
    }
  }

  async #readKey(id: string): Promise<StoredKey | undefined> {
    if (!/^key_[0-9a-f]{20}$/.test(id)) return undefined;
    return readJson<StoredKey>(this.#storage, `server/keys/${id}.json`);
  }
}

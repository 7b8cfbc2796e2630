/** What an API key may do: `read` < `write` < `admin`. */
export type KeyScope = 'read' | 'write' | 'admin';

/** Ordered scopes, smallest first. */
export const keyScopes: readonly KeyScope[] = ['read', 'write', 'admin'];

/** True when a key with scope `has` may do what needs `needs`. */
export function scopeAllows(has: KeyScope, needs: KeyScope): boolean {
  return keyScopes.indexOf(has) >= keyScopes.indexOf(needs);
}

/** A user of the server (`server/users/<id>.json` in the workspace's storage). */
export interface UserRecord {
  id: string;
  /** Unique, e.g. `alice`. */
  name: string;
  /** Admins manage users and may hold `admin` keys. */
  admin: boolean;
  /** ISO 8601. */
  createdAt: string;
}

/** An API key as listed (never its secret; `server/keys/<id>.json` holds its SHA-256 hash). */
export interface ApiKeyRecord {
  id: string;
  userId: string;
  /** The key's first 8 characters (`msk_xxxx`), to recognise it. */
  prefix: string;
  scope: KeyScope;
  /** A free label. */
  name?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; updated at most once a minute. */
  lastUsedAt?: string;
  /** ISO 8601, once revoked: the key no longer authenticates. */
  revokedAt?: string;
}

/** Who made a request: the key's user and the key. */
export interface Caller {
  user: UserRecord;
  key: ApiKeyRecord;
}

/** A new key: its record and its secret, shown once. */
export interface CreatedApiKey {
  key: ApiKeyRecord;
  /** `msk_<43 base64url characters>`: shown once, stored only as a hash. */
  secret: string;
}

/**
 * Users, API keys and model ownership, kept in the workspace's storage so every server process sharing the workspace
 * shares them.
 */
export interface AccountStore {
  /** Creates a user; throws a `ValidationError` when the name is taken or not a slug. */
  createUser(name: string, options?: { admin?: boolean }): Promise<UserRecord>;
  /** The user, or `undefined`. */
  getUser(id: string): Promise<UserRecord | undefined>;
  /** The user with this name, or `undefined`. */
  findUser(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** True when at least one admin user exists. */
  hasAdmin(): Promise<boolean>;
  /** Creates a key for the user (`admin` scope only for admin users; a `ValidationError` otherwise). */
  createKey(userId: string, options: { scope: KeyScope; name?: string }): Promise<CreatedApiKey>;
  /** Keys of one user (or of everyone), newest first, revoked ones included. */
  listKeys(userId?: string): Promise<ApiKeyRecord[]>;
  /** The key record, or `undefined`. */
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Revokes the key (a `NotFoundError` for an unknown id); revoking twice keeps the first time. */
  revokeKey(id: string): Promise<ApiKeyRecord>;
  /** The caller for a presented secret, or `undefined` for an unknown, malformed or revoked key. */
  authenticate(secret: string): Promise<Caller | undefined>;
  /** Records that `userId` owns `model` (a `ValidationError` when another user owns it). */
  setModelOwner(model: string, userId: string): Promise<void>;
  /** The owner's user id, or `undefined` for a model nobody owns. */
  modelOwner(model: string): Promise<string | undefined>;
  /** Names of the user's models, sorted. */
  listModels(userId: string): Promise<string[]>;
  /** Throws a `NotFoundError` (never a permission error: nothing leaks) unless `userId` owns `model`. */
  assertModelOwner(model: string, userId: string): Promise<void>;
}

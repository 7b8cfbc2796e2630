import type { AccountStore, CreatedApiKey } from './account-store.js';

/**
 * On a first start (no admin user yet): creates the user `admin` and an admin key, returned so the caller prints it
 * once. Returns `undefined` when an admin exists.
 */
export async function ensureAdmin(accounts: AccountStore): Promise<CreatedApiKey | undefined> {
  if (await accounts.hasAdmin()) return undefined;
  const user = (await accounts.findUser('admin')) ?? (await accounts.createUser('admin', { admin: true }));
  if (!user.admin) return undefined;
  return accounts.createKey(user.id, { scope: 'admin', name: 'first start' });
}

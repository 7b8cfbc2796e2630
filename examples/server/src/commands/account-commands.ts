import type { Command } from 'commander';
import type { AccountStore, KeyScope } from '../auth/account-store.js';
import { StorageAccountStore } from '../auth/storage-account-store.js';
import { loadServerConfig } from '../server-config.js';
import { createServerLogger } from '../server-logger.js';
import { createStudioWiring } from '../studio-wiring.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Opens the account store of `--workspace` (the storage every server process shares), runs `work`, closes. */
async function withAccounts(workspace: string | undefined, work: (accounts: AccountStore) => Promise<void>) {
  const config = loadServerConfig(process.env, workspace === undefined ? {} : { workspace });
  const wiring = await createStudioWiring(config, createServerLogger({ level: 'warn' }));
  try {
    await work(new StorageAccountStore(wiring.storage));
  } finally {
    await wiring.close();
  }
}

async function userByName(accounts: AccountStore, name: string) {
  const user = await accounts.findUser(name);
  if (!user) throw new Error(`No user is named "${name}": create it with \`studio-server users create ${name}\`.`);
  return user;
}

/** `studio-server users create|list` and `studio-server keys create|list|revoke`. */
export function registerAccountCommands(program: Command): void {
  const users = program.command('users').description('manage the users of the server');
  users
    .command('create <name>')
    .description('create a user')
    .option('--admin', 'make the user an admin')
    .option('--workspace <dir>', 'workspace folder (STUDIO_WORKSPACE)')
    .action(async (name: string, flags: { admin?: boolean; workspace?: string }) =>
      withAccounts(flags.workspace, async (accounts) => {
        const user = await accounts.createUser(name, { admin: flags.admin === true });
        print(`created user ${user.name} (${user.id})${user.admin ? ', admin' : ''}`);
      }),
    );
  users
    .command('list')
    .description('list users')
    .option('--workspace <dir>', 'workspace folder (STUDIO_WORKSPACE)')
    .action(async (flags: { workspace?: string }) =>
      withAccounts(flags.workspace, async (accounts) => {
        for (const user of await accounts.listUsers()) {
          print(`${user.id}  ${user.name}${user.admin ? '  admin' : ''}  ${user.createdAt}`);
        }
      }),
    );
  registerKeyCommands(program);
}

function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage API keys (shown once, stored as a hash)');
  keys
    .command('create')
    .description('create an API key and print it once')
    .option('--user <name>', 'the user (created when --admin and missing)', 'admin')
    .option('--admin', 'an admin key (the user becomes or must be an admin)')
    .option('--scope <scope>', 'read, write or admin', 'write')
    .option('--name <label>', 'a label for the key')
    .option('--workspace <dir>', 'workspace folder (STUDIO_WORKSPACE)')
    .action(async (flags: { user: string; admin?: boolean; scope: string; name?: string; workspace?: string }) =>
      withAccounts(flags.workspace, async (accounts) => {
        const scope = (flags.admin ? 'admin' : flags.scope) as KeyScope;
        if (!['read', 'write', 'admin'].includes(scope)) throw new Error('--scope is read, write or admin.');
        const user =
          (await accounts.findUser(flags.user)) ??
          (flags.admin
            ? await accounts.createUser(flags.user, { admin: true })
            : await userByName(accounts, flags.user));
        const created = await accounts.createKey(user.id, { scope, ...(flags.name && { name: flags.name }) });
        print(`created ${scope} key ${created.key.id} for ${user.name}. It is shown ONCE; store it now:`);
        print(`  ${created.secret}`);
      }),
    );
  keys
    .command('list')
    .description('list API keys (prefix, scope, last use; never the key)')
    .option('--user <name>', 'only this user’s keys')
    .option('--workspace <dir>', 'workspace folder (STUDIO_WORKSPACE)')
    .action(async (flags: { user?: string; workspace?: string }) =>
      withAccounts(flags.workspace, async (accounts) => {
        const userId = flags.user ? (await userByName(accounts, flags.user)).id : undefined;
        for (const key of await accounts.listKeys(userId)) {
          const state = key.revokedAt ? `revoked ${key.revokedAt}` : `last used ${key.lastUsedAt ?? 'never'}`;
          print(`${key.id}  ${key.prefix}…  ${key.scope}  user ${key.userId}  created ${key.createdAt}  ${state}`);
        }
      }),
    );
  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .option('--workspace <dir>', 'workspace folder (STUDIO_WORKSPACE)')
    .action(async (id: string, flags: { workspace?: string }) =>
      withAccounts(flags.workspace, async (accounts) => {
        const key = await accounts.revokeKey(id);
        print(`revoked ${key.id} (${key.prefix}…) at ${key.revokedAt}`);
      }),
    );
}

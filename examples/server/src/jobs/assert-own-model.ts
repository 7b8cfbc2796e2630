import { NotFoundError } from '@model-studio/core';
import type { AccountStore } from '../auth/account-store.js';

/** Throws a `NotFoundError` (404) unless `userId` owns `model`: another user's model looks like no model at all. */
export async function assertOwnModel(accounts: AccountStore, model: string, userId: string): Promise<void> {
  if ((await accounts.modelOwner(model)) !== userId) {
    throw new NotFoundError(`No model is named "${model}": list your models to find it.`, {
      kind: 'model',
      name: model,
    });
  }
}

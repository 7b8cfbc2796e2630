import { ConsentError } from '../../errors/index.js';
import { storageKeys } from '../../naming/index.js';
import type { RevokeConsentOptions } from '../../workspace/index.js';
import type { StudioContext } from '../studio-context.js';

/**
 * `studio.revokeConsent`: stops this studio's run of the model, records the revocation (a run in another process
 * stops before its next paid call) and, with `deleteData`, deletes the model's data everywhere, result stores too.
 */
export async function revokeModelConsent(
  context: StudioContext,
  model: string,
  options: RevokeConsentOptions,
): Promise<void> {
  const run = context.runs.get(model);
  run?.controller.abort(
    new ConsentError(`Consent for model "${model}" was revoked: the run stopped.`, { model, missing: ['revoked'] }),
  );
  await run?.done;
  // A run in another process: the workspace records the revocation first (that run stops before its next paid
  // call), then waits up to `waitForRunMs` for it to stop before deleting, or throws ModelBusyError.
  if (options.deleteData) await context.records.closeModel(model);
  await context.workspace.revokeConsent(model, options);
  if (!options.deleteData) return;
  for (const store of context.settings.resultStores ?? []) {
    const keys: string[] = [];
    for await (const object of store.list({ prefix: storageKeys.modelPrefix(model) })) keys.push(object.key);
    if (keys.length > 0) await store.delete(keys);
  }
}

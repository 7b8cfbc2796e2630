import type { ConsentRecord, ConsentUse } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { confirmOrYes } from '../confirm.js';
import { exitCodeForError, exitCodes } from '../exit-codes.js';
import { openCliWorkspace } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/** Options of `studio consent set`. */
export interface SetConsentOptions {
  subject: string;
  adult?: boolean;
  attestedBy: string;
  ratings?: string[];
  uses?: string[];
  evidence: string;
  obtainedAt?: string;
}

/** Builds a consent record from what the operator stated (flags or menu answers). */
export function consentRecordFrom(options: SetConsentOptions, now: Date = new Date()): ConsentRecord {
  if (!options.adult) {
    throw new UsageError(
      'The subject must be attested as an adult before anything is processed: pass --adult (only if you checked, e.g. an ID) and --attested-by "<who and how>".',
    );
  }
  const uses = (options.uses?.length ? options.uses : ['swap']) as ConsentUse[];
  return {
    subject: options.subject,
    adultAttested: true,
    attestedBy: options.attestedBy,
    allowedRatings: options.ratings?.length ? [...new Set(options.ratings)] : ['sfw'],
    allowedUses: [...new Set(uses)],
    obtainedAt: options.obtainedAt ?? now.toISOString(),
    evidenceRef: options.evidence,
  };
}

/** One line describing a consent record. */
export function describeConsent(record: ConsentRecord): string {
  return `${record.subject} (adult attested by ${record.attestedBy}); ratings [${record.allowedRatings.join(', ')}]; uses [${record.allowedUses.join(', ')}]; evidence ${record.evidenceRef}; obtained ${record.obtainedAt}`;
}

/** `studio consent set <model>`. */
export async function setConsentCommand(
  context: CliContext,
  model: string,
  options: SetConsentOptions,
): Promise<number> {
  const record = consentRecordFrom(options);
  const ws = await openCliWorkspace(context);
  try {
    const config = await ws.workspace.setConsent(model, record);
    context.out.result({ model, consent: config.consent }, () => {
      context.out.line(`${pc.green('✔')} Consent recorded for model "${model}": ${describeConsent(record)}`);
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

/** Options of `studio consent revoke`. */
export interface RevokeConsentOptions {
  reason: string;
  deleteData?: boolean;
  /**
   * With `deleteData`: how long to wait, in seconds, for a run of the model in another process to stop before
   * deleting (it stops before its next paid call once it sees the revocation).
   * @default 60
   */
  waitSeconds?: number;
}

/** How long `studio consent revoke --delete-data` waits for a run in another process, unless told otherwise. */
export const DEFAULT_REVOKE_WAIT_SECONDS = 60;

interface BusyError {
  code: 'model-busy';
  pid: number;
}

function isModelBusy(error: unknown): error is BusyError {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'model-busy';
}

/**
 * `studio consent revoke <model>`: records the revocation; with `--delete-data` deletes the model's data everywhere.
 * When a run of the model is in progress in another process, the revocation is recorded first (that run stops before
 * its next paid call), then the command waits for the run to stop and deletes. If it does not stop in time, or the
 * wait is interrupted, consent stays revoked, nothing is deleted, and the message says how to finish.
 */
export async function revokeConsentCommand(
  context: CliContext,
  model: string,
  options: RevokeConsentOptions,
): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    await ws.workspace.getModel(model);
    const deleteData = options.deleteData === true;
    if (deleteData) {
      const where = ws.s3Location ? `${ws.root} and ${ws.s3Location}` : ws.root;
      const confirmed = await confirmOrYes(
        context,
        `Delete every photo and result of "${model}" from ${where}? [y/N]`,
        false,
      );
      if (!confirmed) throw new UsageError('Nothing was revoked or deleted.');
    }
    const revoke = (waitForRunMs = 0) =>
      ws.workspace.revokeConsent(model, { reason: options.reason, deleteData, waitForRunMs, signal: context.signal });
    let waitedFor: number | undefined;
    let result: Awaited<ReturnType<typeof revoke>>;
    try {
      result = await revoke();
    } catch (error) {
      if (!deleteData || !isModelBusy(error)) throw error;
      waitedFor = error.pid;
      const waitSeconds = options.waitSeconds ?? DEFAULT_REVOKE_WAIT_SECONDS;
      context.out.line(
        `Consent revoked. A run of ${model} is in progress in process ${error.pid}; waiting for it to stop before deleting… (up to ${waitSeconds} s)`,
      );
      try {
        result = await revoke(waitSeconds * 1000);
      } catch (waitError) {
        const stopped = context.signal.aborted
          ? 'the wait was interrupted'
          : isModelBusy(waitError)
            ? `the run in process ${error.pid} did not stop within ${waitSeconds} s`
            : undefined;
        if (stopped === undefined) throw waitError;
        return notDeleted(
          context,
          model,
          options.reason,
          stopped,
          context.signal.aborted ? exitCodes.interrupted : exitCodeForError(waitError),
        );
      }
    }
    const done = result;
    const data: Record<string, unknown> = { model, consent: done.config.consent, deletedKeys: done.deletedKeys };
    if (waitedFor !== undefined) data.waitedForPid = waitedFor;
    context.out.result(data, () => {
      context.out.line(
        `${pc.green('✔')} Consent for "${model}" revoked: nothing more will be processed for this model.`,
      );
      if (deleteData) {
        if (waitedFor !== undefined) context.out.line(`  The run in process ${waitedFor} has stopped.`);
        context.out.line(
          `  Deleted ${done.deletedKeys} file(s); config.json (with the revoked record) and the cost ledger are kept as evidence.`,
        );
      } else {
        context.out.line(
          `  Its data is still stored. Delete it everywhere with \`studio consent revoke ${model} --reason "..." --delete-data\` or \`studio models delete ${model}\`.`,
        );
      }
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

/**
 * Reports that consent is revoked but the data is not deleted yet (one JSON document in `--json` mode, shaped like
 * every other error), with the command that finishes the job.
 */
function notDeleted(context: CliContext, model: string, reason: string, why: string, exitCode: number): number {
  const message =
    `Consent for "${model}" IS revoked (nothing more will be processed), but its data was NOT deleted yet: ${why}. ` +
    `Once the run has stopped, finish with \`studio consent revoke ${model} --reason ${JSON.stringify(reason)} --delete-data\`.`;
  if (context.out.json) {
    context.out.result(
      { error: { code: 'model-busy', message }, model, consentRevoked: true, dataDeleted: false, exitCode },
      () => {},
    );
  }
  context.out.error(`Error: ${message}`);
  return exitCode;
}

import type { ConsentRecord, ConsentUse } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { confirmOrYes } from '../confirm.js';
import { exitCodes } from '../exit-codes.js';
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
}

/** `studio consent revoke <model>`: records the revocation; with `--delete-data` deletes the model's data everywhere. */
export async function revokeConsentCommand(
  context: CliContext,
  model: string,
  options: RevokeConsentOptions,
): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    await ws.workspace.getModel(model);
    if (options.deleteData) {
      const where = ws.s3Location ? `${ws.root} and ${ws.s3Location}` : ws.root;
      const confirmed = await confirmOrYes(
        context,
        `Delete every photo and result of "${model}" from ${where}? [y/N]`,
        false,
      );
      if (!confirmed) throw new UsageError('Nothing was revoked or deleted.');
    }
    const result = await ws.workspace.revokeConsent(model, {
      reason: options.reason,
      deleteData: options.deleteData === true,
    });
    context.out.result({ model, consent: result.config.consent, deletedKeys: result.deletedKeys }, () => {
      context.out.line(
        `${pc.green('✔')} Consent for "${model}" revoked: nothing more will be processed for this model.`,
      );
      if (options.deleteData) {
        context.out.line(
          `  Deleted ${result.deletedKeys} file(s); config.json (with the revoked record) and the cost ledger are kept as evidence.`,
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

import { ConsentError, ValidationError } from '../errors/index.js';
import { assertRating } from '../naming/index.js';
import { type ConsentRecord, type ConsentUse, consentUses } from './consent-record.js';

/** The part of a model config that consent checks read (a `ModelConfig` fits). */
export interface ConsentHolder {
  /** The model's name. */
  name: string;
  /** The model's consent record, when one was set. */
  consent?: ConsentRecord | undefined;
}

/** What a piece of work needs consent for. */
export interface ConsentRequest {
  /** The content rating of the work, e.g. `sfw`. */
  rating: string;
  /** What the work does with the subject's likeness. */
  use: ConsentUse;
}

/**
 * Lists what the model's consent record lacks for `request`, one short phrase each; empty when the work is covered.
 * The phrases are those of {@link assertConsent}: `no consent record`, `revoked at <time> (reason: ...)`,
 * `not adult-attested`, `rating "nsfw" not in allowed ratings [sfw]`, `use "train" not allowed (allowed uses: [swap])`.
 */
export function consentProblems(holder: ConsentHolder, request: ConsentRequest): string[] {
  assertRating(request.rating);
  if (!consentUses.includes(request.use)) {
    throw new ValidationError(
      `Invalid consent use ${JSON.stringify(request.use)}: the use is one of "swap", "train", "publish"; for example "swap".`,
      { field: 'use', value: request.use },
    );
  }
  const record = holder.consent;
  if (!record) return ['no consent record'];
  const missing: string[] = [];
  if (record.revokedAt !== undefined) {
    const reason = record.revokedReason ? ` (reason: ${JSON.stringify(record.revokedReason)})` : '';
    missing.push(`revoked at ${record.revokedAt}${reason}`);
  }
  if (!record.adultAttested) missing.push('not adult-attested');
  if (!record.allowedRatings.includes(request.rating)) {
    missing.push(`rating "${request.rating}" not in allowed ratings [${record.allowedRatings.join(', ')}]`);
  }
  if (!record.allowedUses.includes(request.use)) {
    missing.push(`use "${request.use}" not allowed (allowed uses: [${record.allowedUses.join(', ')}])`);
  }
  return missing;
}

function howToFix(holder: ConsentHolder, request: ConsentRequest, missing: string[]): string {
  const command = `workspace.setConsent("${holder.name}", record)`;
  if (!holder.consent) {
    return `Record the subject's documented consent first with ${command}.`;
  }
  if (holder.consent.revokedAt !== undefined) {
    return `Revoked consent blocks all work on this model. Only if the subject has given new documented consent, record it with ${command}.`;
  }
  const needs: string[] = [];
  if (missing.includes('not adult-attested')) needs.push('adultAttested: true with attestedBy');
  if (!holder.consent.allowedRatings.includes(request.rating)) needs.push(`"${request.rating}" in allowedRatings`);
  if (!holder.consent.allowedUses.includes(request.use)) needs.push(`"${request.use}" in allowedUses`);
  return `Only if the subject's documented consent covers this, update the record with ${command} (${needs.join(', ')}).`;
}

/**
 * Throws a `ConsentError` unless the model's consent record covers `request`. The error's `missing` lists each gap
 * (see {@link consentProblems}); its message names them all and says how to fix it. The orchestrator calls this
 * before every swap, training run and publication.
 *
 * @example
 * ```ts
 * assertConsent(config, { rating: 'nsfw', use: 'swap' });
 * // ConsentError: Consent for model "andie" does not cover swap of "nsfw" content:
 * //   rating "nsfw" not in allowed ratings [sfw]. Only if the subject's documented consent covers this, ...
 * ```
 */
export function assertConsent(holder: ConsentHolder, request: ConsentRequest): void {
  const missing = consentProblems(holder, request);
  if (missing.length === 0) return;
  throw new ConsentError(
    `Consent for model "${holder.name}" does not cover ${request.use} of "${request.rating}" content: ` +
      `${missing.join('; ')}. ${howToFix(holder, request, missing)}`,
    { model: holder.name, missing, hint: { action: 'set-consent', model: holder.name } },
  );
}

import { readFile } from 'node:fs/promises';
import type { ConsentRecord, PrototypeFiles, PrototypeImportResult } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import type { Output } from '../output.js';
import { openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/** Options of `studio import-prototype`. */
export interface ImportPrototypeOptions {
  /** The prototype model to import (and the workspace model's name). */
  model?: string;
  /** Print the mapping table; write nothing. */
  dryRun?: boolean;
  /** `<bucket>[/<prefix>]`: import from the prototype's S3 bucket instead of a folder. */
  s3?: string;
  /** A JSON file with the subject's consent record (`subject`, `adultAttested`, `attestedBy`, ...). */
  consentFile?: string;
  /** Your statement that you hold the rights to the prototype's target photos (recorded as their provenance). */
  rights?: string;
  /** With `rights`: everyone shown in the non-sfw targets is an adult who consented. */
  adultsConsented?: boolean;
}

/** Reads and checks `--consent-file`. */
async function readConsentFile(path: string): Promise<ConsentRecord> {
  const { consentRecordSchema } = await import('@model-studio/core');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Could not read the consent file ${path}: ${(error as Error).message}`);
  }
  const parsed = consentRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new UsageError(`The consent file ${path} is not a consent record (${fields.join('; ')}).`);
  }
  return parsed.data as ConsentRecord;
}

/**
 * The prototype's bucket (`--s3 <bucket>[/<prefix>]`), signed in with the `S3_*` settings when set (endpoint, keys,
 * session token, path style), through `s3StorageOptionsFromEnv` as the workspace's S3 storage is: the bucket and the
 * folder are the flag's, not `S3_BUCKET` and `S3_PREFIX`. The region is `S3_REGION`, else `AWS_REGION`, else
 * `us-east-2` (where the prototype's bucket was).
 */
async function prototypeBucket(
  context: CliContext,
  location: string,
): Promise<{ files: PrototypeFiles; close(): void }> {
  const [bucket = '', ...rest] = location.replace(/^s3:\/\//, '').split('/');
  if (bucket === '') throw new UsageError('--s3 needs a bucket name: --s3 <bucket>[/<prefix>].');
  const prefix = rest.join('/').replace(/\/+$/, '');
  const { S3Storage, s3StorageOptionsFromEnv } = await import('@model-studio/storage-s3');
  const { prototypeStorage } = await import('@model-studio/core');
  const env = context.settings.s3Env ?? {};
  const region = env.S3_REGION ?? process.env.AWS_REGION ?? 'us-east-2';
  // A bucket is given, so options are always returned.
  const options = s3StorageOptionsFromEnv(env, { bucket, prefix, region })!;
  const storage = new S3Storage(options);
  const description = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  return { files: prototypeStorage(storage, { description }), close: () => storage.destroy() };
}

/**
 * `studio import-prototype <folder> | --s3 <bucket>[/<prefix>]`: imports models made by the Python prototype. With
 * `--dry-run` prints the mapping table and writes nothing. Every ambiguity is listed. The model cannot be processed
 * until its subject's consent is recorded (`--consent-file`, or asked here at a terminal).
 */
export async function importPrototypeCommand(
  context: CliContext,
  folder: string | undefined,
  options: ImportPrototypeOptions,
): Promise<number> {
  if ((folder === undefined) === (options.s3 === undefined)) {
    throw new UsageError(
      'Give the prototype’s folder (its models/ folder or one model’s folder) or --s3 <bucket>[/<prefix>], not both.',
    );
  }
  if (options.adultsConsented && !options.rights) {
    throw new UsageError(
      '--adults-consented goes with --rights "<your statement that you hold the rights to the targets>".',
    );
  }
  const consent = options.consentFile ? await readConsentFile(options.consentFile) : undefined;
  const core = await import('@model-studio/core');
  const source = options.s3
    ? await prototypeBucket(context, options.s3)
    : { files: core.prototypeFolder(folder!), close() {} };
  const cli = await openCliStudio(context, 'none');
  try {
    const results = await cli.studio.importPrototype(source.files, {
      signal: context.signal,
      ...(options.model !== undefined && { model: options.model }),
      ...(options.dryRun && { dryRun: true }),
      ...(consent && { consent }),
      ...(options.rights && {
        targetRights: { rightsStatement: options.rights, ...(options.adultsConsented && { adultsConsented: true }) },
      }),
    });
    context.out.result({ from: source.files.description, results }, () => {
      for (const result of results) printResult(context.out, result);
    });
    if (!options.dryRun) await askMissingConsent(context, cli, results);
    return exitCodes.ok;
  } finally {
    await cli.close();
    source.close();
  }
}

/** At a terminal, offers to record the consent of each imported model that has none. */
async function askMissingConsent(
  context: CliContext,
  cli: Awaited<ReturnType<typeof openCliStudio>>,
  results: PrototypeImportResult[],
): Promise<void> {
  for (const result of results) {
    if (result.consent === 'recorded') continue;
    const { model } = result.plan;
    if (!context.interactive || context.options.json) {
      context.out.warn(
        `Model "${model}" has no consent record: nothing can be processed until you record the subject's documented consent (studio consent set ${model} --subject ... --adult --attested-by ... --evidence ..., or --consent-file here).`,
      );
      continue;
    }
    const prompts = await import('@clack/prompts');
    const now = await prompts.confirm({ message: `Record the consent of the person model "${model}" depicts now?` });
    if (prompts.isCancel(now) || !now) continue;
    const { askConsent } = await import('../menu.js');
    await askConsent(context, cli, model);
  }
}

/** Pads for the mapping table. */
function column(rows: string[][], index: number): number {
  return Math.max(...rows.map((row) => row[index]!.length));
}

function printResult(out: Output, result: PrototypeImportResult): void {
  const { plan } = result;
  out.line(pc.bold(`${result.dryRun ? 'Would import' : 'Imported'} ${plan.from} → model "${plan.model}"`));
  const rows = plan.copies.map((copy) => [copy.kind, copy.from, copy.to.slice(`models/${plan.model}/`.length)]);
  if (result.dryRun && rows.length > 0) {
    const [kind, from] = [column(rows, 0), column(rows, 1)];
    for (const [k, f, t] of rows) out.line(`  ${k!.padEnd(kind)}  ${f!.padEnd(from)}  →  ${t}`);
    for (const copy of plan.copies.filter((item) => item.duplicates)) {
      out.line(pc.dim(`  (${copy.duplicates!.join(', ')}: same content as ${copy.from})`));
    }
  }
  const done = plan.stages.filter((stage) => stage.outputKey).length;
  const jobs = plan.stages.filter((stage) => stage.jobId).length;
  out.line(
    `  ${plan.copies.length} file(s); ${done} stage(s) done by the prototype; ${jobs} paid job id(s) from its progress.json`,
  );
  if (!result.dryRun) {
    const { written, unchanged, conflicts } = result.files;
    out.line(`  ${pc.green('✔')} ${written} written, ${unchanged} already imported, ${conflicts} conflict(s)`);
    out.line(
      `  ${result.stagesJournaled} stage(s) journaled as done, ${result.chargesRecorded} imported charge(s) ledgered (estimated from the price table)`,
    );
    if (result.targetsWithoutProvenance > 0) {
      out.line(
        pc.yellow(
          `  ! ${result.targetsWithoutProvenance} target(s) have no provenance: pass --rights "<statement>" (and --adults-consented for nsfw) to record it`,
        ),
      );
    }
  }
  for (const issue of plan.issues) {
    out.line(pc.yellow(`  ! [${issue.code}] ${issue.path ? `${issue.path}: ` : ''}${issue.message}`));
  }
}

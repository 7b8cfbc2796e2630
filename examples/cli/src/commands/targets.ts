import type { Studio } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { collectInputFiles } from '../input-files.js';
import { faceCheckSummary, printImportResults } from '../report.js';
import { openCliStudio } from '../studio-factory.js';

/** Options of `studio targets add`. */
export interface AddTargetsOptions {
  rating: string;
  origin: string;
  rights: string;
  adultsConsented?: boolean;
  /** Import near-duplicates of the rating's targets, with a warning, instead of refusing them. */
  allowNearDuplicates?: boolean;
}

/** Provenance as `Studio.importTargets` takes it. */
export type ImportProvenance = Parameters<Studio['importTargets']>[3];

/** Builds the provenance statement from flags or menu answers. */
export function provenanceFrom(options: AddTargetsOptions): ImportProvenance {
  const provenance: ImportProvenance = { origin: options.origin, rightsStatement: options.rights };
  if (options.adultsConsented) provenance.adultsConsented = true;
  return provenance;
}

/**
 * `studio targets add <model> <paths...> --rating <r>`: validates, face-checks, renames and stores target photos.
 * Every file is accounted for: imported, refused with a reason, or (in folders) skipped as not an image.
 */
export async function addTargetsCommand(
  context: CliContext,
  model: string,
  paths: string[],
  options: AddTargetsOptions,
): Promise<number> {
  const { files, skipped, hidden } = await collectInputFiles(paths);
  const cli = await openCliStudio(context, 'none');
  try {
    context.out.line(`Checking ${files.length} ${options.rating} target photo(s) for model "${model}"...`);
    const results = await cli.studio.importTargets(
      model,
      options.rating,
      files.map(({ name, bytes }) => ({ name, bytes })),
      provenanceFrom(options),
      { signal: context.signal, ...(options.allowNearDuplicates && { allowNearDuplicates: true }) },
    );
    const accepted = results.filter((result) => result.accepted).length;
    const faceSummary = faceCheckSummary(results);
    const { rating } = options;
    const data = {
      model,
      rating,
      accepted,
      total: results.length,
      faceSummary,
      results,
      skipped,
      hidden: hidden.length,
    };
    context.out.result(data, () => {
      printImportResults(context.out, results, skipped, hidden.length);
      context.out.line(faceSummary);
      context.out.line(
        `${accepted > 0 ? pc.green('✔') : pc.red('✖')} Accepted ${accepted}/${results.length} ${options.rating} target(s).`,
      );
    });
    return accepted > 0 ? exitCodes.ok : exitCodes.usage;
  } finally {
    await cli.close();
  }
}

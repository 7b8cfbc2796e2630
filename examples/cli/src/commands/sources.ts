import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { collectInputFiles } from '../input-files.js';
import { faceCheckSummary, printImportResults } from '../report.js';
import { openCliStudio } from '../studio-factory.js';

/** Options of `studio sources add`. */
export interface AddSourcesOptions {
  /** Import near-duplicates of photos the model has, with a warning, instead of refusing them. */
  allowNearDuplicates?: boolean;
}

/**
 * `studio sources add <model> <paths...>`: validates, renames (`<model>-source-<n>.jpg`) and stores source photos.
 * Every file is accounted for: imported, refused with a reason, or (in folders) skipped as not an image.
 */
export async function addSourcesCommand(
  context: CliContext,
  model: string,
  paths: string[],
  options: AddSourcesOptions = {},
): Promise<number> {
  const { files, skipped, hidden } = await collectInputFiles(paths);
  const cli = await openCliStudio(context, 'none');
  try {
    context.out.line(
      `Checking ${files.length} source photo(s) for model "${model}" (one face each, the same person, no duplicates)...`,
    );
    const results = await cli.studio.importSources(
      model,
      files.map(({ name, bytes }) => ({ name, bytes })),
      { signal: context.signal, ...(options.allowNearDuplicates && { allowNearDuplicates: true }) },
    );
    const accepted = results.filter((result) => result.accepted).length;
    const faceSummary = faceCheckSummary(results, 'source photos');
    const data = { model, accepted, total: results.length, faceSummary, results, skipped, hidden: hidden.length };
    context.out.result(data, () => {
      printImportResults(context.out, results, skipped, hidden.length);
      context.out.line(faceSummary);
      context.out.line(
        `${accepted > 0 ? pc.green('✔') : pc.red('✖')} Accepted ${accepted}/${results.length} source photo(s).`,
      );
    });
    return accepted > 0 ? exitCodes.ok : exitCodes.usage;
  } finally {
    await cli.close();
  }
}

import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { readInputFiles } from '../input-files.js';
import { faceCheckSummary, printImportResults } from '../report.js';
import { openCliStudio } from '../studio-factory.js';

/** `studio sources add <model> <paths...>`: validates, renames (`<model>-source-<n>.jpg`) and stores source photos. */
export async function addSourcesCommand(context: CliContext, model: string, paths: string[]): Promise<number> {
  const inputs = await readInputFiles(paths);
  const cli = await openCliStudio(context, 'none');
  try {
    context.out.line(`Checking ${inputs.length} source photo(s) for model "${model}" (exactly one face each)...`);
    const results = await cli.studio.importSources(
      model,
      inputs.map(({ name, bytes }) => ({ name, bytes })),
      {
        signal: context.signal,
      },
    );
    const accepted = results.filter((result) => result.accepted).length;
    context.out.result({ model, accepted, total: results.length, results }, () => {
      printImportResults(context.out, results);
      context.out.line(faceCheckSummary(results, 'source photos'));
      context.out.line(
        `${accepted > 0 ? pc.green('✔') : pc.red('✖')} Accepted ${accepted}/${results.length} source photo(s).`,
      );
    });
    return accepted > 0 ? exitCodes.ok : exitCodes.usage;
  } finally {
    await cli.close();
  }
}

import type { SharedLink, ShareStage } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { scrubSecrets } from '../settings.js';
import { type CliStudio, openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/** Options of `studio share`. */
export interface ShareCommandOptions {
  /** Ratings to share (repeatable, comma-separated). @default every rating with results */
  rating?: string[];
  /** What to share: enhanced, swapped, source (repeatable, comma-separated). @default enhanced */
  stage?: string[];
  /** How long links last: `7d`, `12h`, `30m`, `90s` or seconds. @default 7d */
  expires?: string;
  /** Print CSV (name,key,url,expires_at,reachable_from) on stdout. */
  csv?: boolean;
  /** Keep serving links of the workspace's own (loopback) server until Ctrl-C. */
  serve?: boolean;
}

const unitSeconds = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Parses a link lifetime: a whole number followed by `d`, `h`, `m` or `s` (`7d`, `12h`), or plain seconds. Throws a
 * `UsageError` that shows the accepted forms.
 */
export function parseExpires(text: string): number {
  const match = /^(\d{1,9})\s*([smhd]?)$/i.exec(text.trim());
  const amount = Number(match?.[1]);
  if (!match || amount <= 0) {
    throw new UsageError(
      `--expires ${JSON.stringify(text)} is not a lifetime: use a whole number with d, h, m or s, e.g. 7d (the most S3 allows), 12h or 3600s.`,
    );
  }
  return amount * unitSeconds[(match[2]?.toLowerCase() || 's') as keyof typeof unitSeconds];
}

const stages: readonly ShareStage[] = ['enhanced', 'swapped', 'source'];

function parseStages(values: readonly string[] | undefined): ShareStage[] | undefined {
  if (!values || values.length === 0) return undefined;
  for (const value of values) {
    if (!stages.includes(value as ShareStage)) {
      throw new UsageError(`--stage ${JSON.stringify(value)} is not a stage: use enhanced, swapped or source.`);
    }
  }
  return values as ShareStage[];
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The links as CSV with a header row. */
export function linksCsv(links: readonly SharedLink[]): string {
  const rows = [['name', 'key', 'url', 'expires_at', 'reachable_from']];
  for (const link of links) {
    rows.push([link.name, link.key, link.url, link.expiresAt.toISOString(), link.reachableFrom]);
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

/** Who can open a link, in words. */
function reachText(link: SharedLink): string {
  if (link.reachableFrom === 'internet') return 'anyone with the link';
  if (link.reachableFrom === 'private-network') return 'your private network only';
  return 'this machine only';
}

/**
 * Links are printed without the access-key-id scrub: every S3 presigned URL carries the access key id (never the
 * secret key) in `X-Amz-Credential`, and a scrubbed link would not open. Other secrets are still scrubbed.
 */
function linkText(context: CliContext, text: string): string {
  const keyId = context.settings.s3?.accessKeyId;
  return scrubSecrets(
    text,
    context.settings.secrets.filter((secret) => secret !== keyId),
  );
}

/** Prints the links as a list, a note on who can open them, and the expiry. */
export function printLinks(context: CliContext, model: string, links: readonly SharedLink[]): void {
  const write = (text = '') => process.stdout.write(`${linkText(context, text)}\n`);
  if (links.length === 0) {
    write(`Model "${model}" has no results to share yet (run it first, or choose other --rating / --stage).`);
    return;
  }
  const expires = links[0]?.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  write(pc.bold(`${links.length} share link(s) for model "${model}", valid until ${expires}:`));
  for (const link of links) {
    write(`  ${link.name}  ${pc.dim(`(${reachText(link)})`)}`);
    write(`    ${link.url}`);
  }
  write(pc.dim('Anyone holding a link can download that file until it expires: share them like passwords.'));
}

/** Warns when links are loopback URLs of this process: they die with it unless `--serve` keeps it running. */
function localLinkNote(context: CliContext, links: readonly SharedLink[], serve: boolean): void {
  const local = links.filter((link) => link.reachableFrom === 'this-machine' && link.storage === 'local');
  if (local.length === 0) return;
  context.out.warn(
    serve
      ? `${local.length} link(s) are served by this process on this machine only: serving them until Ctrl-C...`
      : `${local.length} link(s) are served by this command on this machine only and stop working when it exits: pass --serve to keep serving them until Ctrl-C, or configure S3 (S3_BUCKET...) for links anyone can open for up to 7 days.`,
  );
}

/** Signs the links (`studio.share`), mapping the command's flags. */
export async function shareLinks(
  context: CliContext,
  cli: CliStudio,
  model: string,
  options: ShareCommandOptions,
): Promise<SharedLink[]> {
  const chosenStages = parseStages(options.stage);
  return cli.studio.share(model, {
    expiresIn: parseExpires(options.expires ?? '7d'),
    signal: context.signal,
    ...(options.rating && options.rating.length > 0 && { ratings: options.rating }),
    ...(chosenStages && { stages: chosenStages }),
  });
}

/**
 * `studio share <model>`: signed links to the model's results (enhanced by default), valid 7 days by default, as a
 * list, `--json` or `--csv`. S3 links are presigned by the bucket; links of the workspace folder are served by this
 * process on this machine only (`--serve` keeps serving them until Ctrl-C).
 */
export async function shareCommand(context: CliContext, model: string, options: ShareCommandOptions): Promise<number> {
  if (options.csv && context.options.json) throw new UsageError('Choose one of --json and --csv.');
  const cli = await openCliStudio(context, 'none');
  try {
    const links = await shareLinks(context, cli, model, options);
    if (context.options.json) {
      const data = { model, links: links.map((link) => ({ ...link, expiresAt: link.expiresAt.toISOString() })) };
      process.stdout.write(`${linkText(context, JSON.stringify(data, null, 2))}\n`);
    } else if (options.csv) {
      process.stdout.write(linkText(context, linksCsv(links)));
    } else {
      printLinks(context, model, links);
    }
    localLinkNote(context, links, options.serve === true);
    if (options.serve && links.some((link) => link.storage === 'local')) {
      // The URL server does not keep the process alive by itself: this timer does, until Ctrl-C.
      const keepAlive = setInterval(() => {}, 1 << 30);
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      clearInterval(keepAlive);
      context.out.warn('Stopped serving: the links of this machine no longer open.');
    }
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

/**
 * The menu's offer after a run: share links to the model's enhanced results (7 days). Local links are served while the
 * menu stays open. A refusal (e.g. consent that does not cover publishing) is shown, never thrown.
 */
export async function offerShare(context: CliContext, cli: CliStudio, model: string): Promise<void> {
  const prompts = await import('@clack/prompts');
  const { consentProblems } = await import('@model-studio/core');
  const config = await cli.workspace.getModel(model);
  const covered = (config.consent?.allowedRatings ?? []).filter(
    (rating) => consentProblems(config, { rating, use: 'publish' }).length === 0,
  );
  if (covered.length === 0) {
    prompts.log.info(
      `Share links (\`studio share ${model}\`) need consent that covers publishing; this model's record does not.`,
    );
    return;
  }
  const wanted = await prompts.confirm({
    message: 'Create share links to the enhanced results (valid 7 days)?',
    initialValue: false,
  });
  if (prompts.isCancel(wanted) || !wanted) return;
  try {
    const links = await shareLinks(context, cli, model, { rating: covered });
    if (links.length === 0) {
      prompts.log.info(`Model "${model}" has no enhanced results to share yet.`);
      return;
    }
    const lines = links.map((link) => `${link.name} (${reachText(link)})\n  ${link.url}`);
    prompts.note(linkText(context, lines.join('\n')), `Share links, valid until ${links[0]?.expiresAt.toISOString()}`);
    if (links.some((link) => link.reachableFrom === 'this-machine' && link.storage === 'local')) {
      prompts.log.warn('Links of this machine work only while this menu is open (`studio share --serve` keeps them).');
    }
  } catch (error) {
    prompts.log.warn(context.out.scrub((error as Error).message));
  }
}

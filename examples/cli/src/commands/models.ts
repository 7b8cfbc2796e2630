import type { ModelSettingsInput } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { confirmOrYes } from '../confirm.js';
import { describeModel } from '../describe-model.js';
import { exitCodes } from '../exit-codes.js';
import { openCliWorkspace } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/** Options of `studio models create`. */
export interface CreateModelOptions {
  triggerWord?: string;
  classWord?: string;
  minShortSide?: number;
}

/** `studio models create <name>`. */
export async function createModelCommand(
  context: CliContext,
  name: string,
  options: CreateModelOptions,
): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    const settings: ModelSettingsInput = {};
    if (options.triggerWord) settings.triggerWord = options.triggerWord;
    if (options.classWord) settings.classWord = options.classWord;
    if (options.minShortSide) settings.thresholds = { minShortSide: options.minShortSide };
    const config = await ws.workspace.createModel(name, settings);
    context.out.result({ model: config }, () => {
      context.out.line(`${pc.green('✔')} Created model "${config.name}" in ${ws.root}`);
      context.out.line(`  Next: record the subject's consent with \`studio consent set ${config.name} ...\``);
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

/** `studio models list`. */
export async function listModelsCommand(context: CliContext): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    const overviews = await Promise.all(
      (await ws.workspace.listModels()).map((summary) => ws.workspace.overview(summary.name)),
    );
    context.out.result({ workspace: ws.root, models: overviews }, () => {
      if (overviews.length === 0) {
        context.out.line(
          `No models in ${ws.root} yet. Create one with \`studio models create <name>\` or run \`studio demo\`.`,
        );
        return;
      }
      context.out.line(pc.bold(`Models in ${ws.root}`));
      for (const overview of overviews) context.out.line(`  ${describeModel(overview)}`);
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

/** `studio models show <name>`. */
export async function showModelCommand(context: CliContext, name: string): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    const config = await ws.workspace.getModel(name);
    const overview = await ws.workspace.overview(name);
    context.out.result({ model: config, files: overview }, () => {
      context.out.line(pc.bold(`Model "${config.name}"`) + pc.dim(` (created ${config.createdAt})`));
      context.out.line(`  ${describeModel(overview)}`);
      const { settings } = config;
      context.out.line(`  Trigger word: ${settings.triggerWord}; class word: ${settings.classWord}`);
      context.out.line(
        `  Thresholds: min short side ${settings.thresholds.minShortSide} px, max ${settings.thresholds.maxBytes} bytes, identity ${settings.thresholds.identityThreshold}`,
      );
      context.out.line(
        `  Prices: swap ${settings.prices.swap.units} ${settings.prices.swap.unit}, enhance ${settings.prices.enhance.units} ${settings.prices.enhance.unit}; concurrency ${settings.concurrency}`,
      );
      const consent = config.consent;
      if (!consent) context.out.line(`  Consent: ${pc.red('none recorded')}`);
      else {
        context.out.line(
          `  Consent: ${consent.subject}, adult ${consent.adultAttested ? 'attested' : pc.red('NOT attested')} by ${consent.attestedBy}; ratings [${consent.allowedRatings.join(', ')}]; uses [${consent.allowedUses.join(', ')}]; evidence ${consent.evidenceRef}${consent.revokedAt ? pc.red(`; REVOKED ${consent.revokedAt}`) : ''}`,
        );
      }
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

/** `studio models delete <name>`: asks first unless `--yes`. */
export async function deleteModelCommand(context: CliContext, name: string): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    await ws.workspace.getModel(name);
    const where = ws.s3Location ? `${ws.root} and ${ws.s3Location}` : ws.root;
    const confirmed = await confirmOrYes(
      context,
      `Delete model "${name}" and all its files from ${where}? [y/N]`,
      false,
    );
    if (!confirmed) {
      context.out.line('Nothing deleted.');
      return exitCodes.ok;
    }
    const { deletedKeys } = await ws.workspace.deleteModel(name);
    context.out.result({ deleted: name, deletedKeys }, () => {
      context.out.line(`${pc.green('✔')} Deleted model "${name}" (${deletedKeys} files).`);
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

/**
 * `studio models set <name> --min-short-side 512 ...`: changes settings of an existing model. The flags come from
 * core's settings schema (see `modelSettingFlags`); `values` holds every parsed option, the command's and the global
 * ones (`--concurrency` is both). Core validates the result before anything is written.
 */
export async function setModelCommand(
  context: CliContext,
  name: string,
  values: Record<string, unknown>,
): Promise<number> {
  const { modelSettingFlags, settingChanges, settingsPatchFrom } = await import('../model-settings-flags.js');
  const flags = modelSettingFlags();
  const patch = settingsPatchFrom(values, flags);
  if (Object.keys(patch).length === 0) {
    throw new UsageError(
      `Give at least one setting to change, e.g. \`studio models set ${name} --min-short-side 512\` (see \`studio models set --help\`).`,
    );
  }
  const ws = await openCliWorkspace(context);
  try {
    const before = await ws.workspace.getModel(name);
    const config = await ws.workspace.updateSettings(name, patch);
    const changes = settingChanges(before.settings, config.settings, patch, flags);
    context.out.result({ model: config, changes }, () => {
      context.out.line(`${pc.green('✔')} Updated model "${name}":`);
      for (const change of changes) context.out.line(`  ${change.setting}: ${change.from} → ${change.to}`);
    });
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}

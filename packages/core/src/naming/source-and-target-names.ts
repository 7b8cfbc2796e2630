import { assertImageNumber, padTargetNumber, parseCanonicalNumber } from './image-number.js';
import { assertModelName, isModelName } from './model-name.js';

/**
 * Formats a source photo name: `{model}-source-{n}.jpg`.
 *
 * @example
 * ```ts
 * formatSourceName('andie', 1); // 'andie-source-1.jpg'
 * ```
 */
export function formatSourceName(model: string, source: number): string {
  assertModelName(model);
  assertImageNumber(source, 'source');
  return `${model}-source-${source}.jpg`;
}

/** Parses a name written by {@link formatSourceName}; `undefined` when it does not follow the rule. */
export function parseSourceName(name: string): { model: string; source: number } | undefined {
  const match = /^(.+)-source-(\d+)\.jpg$/.exec(name);
  if (!match) return undefined;
  const [, model = '', digits = ''] = match;
  const source = parseCanonicalNumber(digits, false);
  return source !== undefined && isModelName(model) ? { model, source } : undefined;
}

/**
 * Formats a target photo name: `{model}-t{target:03}.jpg` (the rating is the folder it sits in).
 *
 * @example
 * ```ts
 * formatTargetName('andie', 3); // 'andie-t003.jpg'
 * ```
 */
export function formatTargetName(model: string, target: number): string {
  assertModelName(model);
  return `${model}-t${padTargetNumber(target)}.jpg`;
}

/** Parses a name written by {@link formatTargetName}; `undefined` when it does not follow the rule. */
export function parseTargetName(name: string): { model: string; target: number } | undefined {
  const match = /^(.+)-t(\d{3,})\.jpg$/.exec(name);
  if (!match) return undefined;
  const [, model = '', digits = ''] = match;
  const target = parseCanonicalNumber(digits, true);
  return target !== undefined && isModelName(model) ? { model, target } : undefined;
}

import { assertSlug, type SlugRule, slugProblem, windowsDeviceNames } from './slug-rules.js';

/** Longest accepted model name. */
export const MODEL_NAME_MAX_LENGTH = 64;

const modelNameRule: SlugRule = {
  field: 'model name',
  pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  maxLength: MODEL_NAME_MAX_LENGTH,
  rule:
    'Model names are 1-64 lower-case letters (a-z), digits and hyphens, neither starting nor ending with a hyphen, ' +
    'and not a Windows device name (con, prn, aux, nul, com1-9, lpt1-9)',
  examples: ['andie', 'andie-2'],
  hyphens: true,
};

/** True when `name` is an accepted model name (see {@link assertModelName} for the rule). */
export function isModelName(name: unknown): name is string {
  return slugProblem(name, modelNameRule) === undefined;
}

/**
 * Checks a model name and throws a `ValidationError` when it breaks the rule.
 *
 * The rule: 1-64 characters, each a lower-case letter `a-z`, a digit or a hyphen; the first and last character are a
 * letter or digit (so `-andie` and `andie-` are refused); Windows device names (`con`, `prn`, `aux`, `nul`,
 * `com1`-`com9`, `lpt1`-`lpt9`) are refused. Consequently nothing that could leave a folder is accepted:
 * `..`, `/`, `\`, NUL, absolute paths and names starting with a dot are refused, each with its own message.
 * The message names the problem and gives a valid example (and a suggestion derived from the input when there is one).
 *
 * @example
 * ```ts
 * assertModelName('andie');      // ok
 * assertModelName('../etc');     // ValidationError: Invalid model name "../etc": it contains a path separator ...
 * ```
 */
export function assertModelName(name: unknown): asserts name is string {
  assertSlug(name, modelNameRule, () => (typeof name === 'string' ? suggestModelName(name) : undefined));
}

/**
 * Returns `name` when it is an accepted model name, otherwise throws a `ValidationError`
 * (see {@link assertModelName}). Use it on untrusted input such as CLI arguments or JSON.
 */
export function parseModelName(name: unknown): string {
  assertModelName(name);
  return name;
}

/**
 * Turns free text (a person's name, a folder name) into an accepted model name, or `undefined` when nothing usable
 * is left. Accents are dropped, anything else becomes a hyphen, and device names get a `-model` suffix.
 *
 * @example
 * ```ts
 * suggestModelName('Andie Smith'); // 'andie-smith'
 * suggestModelName('Zoë');         // 'zoe'
 * ```
 */
export function suggestModelName(input: string): string | undefined {
  let slug = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MODEL_NAME_MAX_LENGTH)
    .replace(/-+$/, '');
  if (slug === '') return undefined;
  if (windowsDeviceNames.includes(slug)) slug = `${slug}-model`;
  return isModelName(slug) ? slug : undefined;
}

import { ValidationError } from '../errors/index.js';

/**
 * Windows reserved device names. A file or folder called `con` (or `com1`, `lpt9`, ...) cannot be created
 * or read on Windows, so none of these is accepted as a model name, rating or version.
 */
export const windowsDeviceNames: readonly string[] = Object.freeze([
  'con',
  'prn',
  'aux',
  'nul',
  ...Array.from({ length: 9 }, (_, index) => `com${index + 1}`),
  ...Array.from({ length: 9 }, (_, index) => `lpt${index + 1}`),
]);

/** How one kind of name (model, rating, version) is checked. Internal. */
export interface SlugRule {
  /** What the name is called in messages and `ValidationError.field`: `model name`, `rating`, `version`. */
  readonly field: string;
  /** Allowed characters, as a regular expression matched against the whole name. */
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** Human description of the rule, used in every message. */
  readonly rule: string;
  /** Valid examples, used in every message. */
  readonly examples: readonly string[];
  /** Whether hyphens are allowed at all (then never at the start or end). */
  readonly hyphens: boolean;
}

/** Shows a refused value in a message: JSON-quoted (so NUL and control characters are visible), at most 80 chars. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Why `value` breaks `rule`, or `undefined` when it is valid. The checks go from most to least dangerous. */
export function slugProblem(value: unknown, rule: SlugRule): string | undefined {
  if (typeof value !== 'string') return `it is ${value === null ? 'null' : typeof value}, not a string`;
  if (value.length === 0) return 'it is empty';
  if (value.includes('\0')) return 'it contains a NUL character';
  if (value.startsWith('/') || value.startsWith('\\') || /^[a-zA-Z]:/.test(value)) return 'it is an absolute path';
  if (value.includes('/') || value.includes('\\')) return 'it contains a path separator ("/" or "\\")';
  if (value.includes('..')) return 'it contains ".."';
  if (value.startsWith('.')) return 'it starts with a dot';
  if (value.length > rule.maxLength) return `it is ${value.length} characters long (at most ${rule.maxLength})`;
  if (windowsDeviceNames.includes(value.toLowerCase())) return 'it is a Windows device name';
  if (rule.hyphens && (value.startsWith('-') || value.endsWith('-'))) return 'it starts or ends with a hyphen';
  if (!rule.pattern.test(value)) {
    const bad = [...new Set([...value].filter((char) => !rule.pattern.test(char) && char !== '-'))];
    if (!rule.hyphens && value.includes('-')) bad.unshift('-');
    return `it contains characters that are not allowed: ${bad.map((char) => JSON.stringify(char)).join(' ')}`;
  }
  return undefined;
}

/** Throws a {@link ValidationError} that names the problem, the rule, and valid examples. */
export function assertSlug(
  value: unknown,
  rule: SlugRule,
  suggest?: () => string | undefined,
): asserts value is string {
  const problem = slugProblem(value, rule);
  if (problem === undefined) return;
  // Only a refused value gets a suggestion (names are checked on every key a run builds).
  const suggestion = suggest?.();
  const examples = rule.examples.map((example) => `"${example}"`).join(' or ');
  const hint = suggestion !== undefined && suggestion !== value ? ` Try "${suggestion}".` : '';
  throw new ValidationError(
    `Invalid ${rule.field} ${quoteValue(value)}: ${problem}. ${rule.rule}; for example ${examples}.${hint}`,
    { field: rule.field, value },
  );
}

/** Words that BLIP-style captioners invent ("arafed woman"); they mean nothing and are removed. */
const artifactWord = /\b(?:araf+e?d?|araf+[eyi]|arafy|arafe)\b/gi;
/** Openings that describe the picture instead of what is in it. */
const leadingFiller =
  /^(?:there (?:is|are) (?:an? |two |some )?|(?:a |an )?(?:picture|photo|photograph|image|close up|closeup) of (?:an? )?|this is (?:an? )?)/i;
/** Words a caption must not end on: a truncated captioner output. */
const danglingWords = new Set([
  'a',
  'an',
  'the',
  'and',
  'with',
  'of',
  'in',
  'on',
  'at',
  'to',
  'for',
  'while',
  'by',
  'from',
  'or',
  'is',
  'are',
  'his',
  'her',
  'their',
]);
const connectors = new Set(['and', 'with', ',']);

/**
 * Finds what {@link cleanCaption} removes: the artifact words, filler openings and `person ' s` spacing that known
 * captioners (BLIP, GIT) produce. Used by the validity checks; returns the matched texts.
 */
export function findCaptionArtifacts(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(artifactWord)) found.push(match[0]);
  const spaced = text.match(/\w\s+'\s+s\b/);
  if (spaced) found.push(spaced[0]);
  const opening = text.trim().match(/^(?:there (?:is|are)\b|a picture of\b|an image of\b)/i);
  if (opening) found.push(opening[0]);
  return found;
}

function tokenize(text: string): string[] {
  return text.match(/[^\s,]+|,/g) ?? [];
}

function sameRun(tokens: string[], a: number, b: number, n: number): boolean {
  if (b + n > tokens.length) return false;
  for (let k = 0; k < n; k++) if (tokens[a + k]?.toLowerCase() !== tokens[b + k]?.toLowerCase()) return false;
  return true;
}

/** Removes a run of words repeated back to back ("a white shirt and a white shirt and a white shirt"). */
export function removeRepeatedPhrases(text: string): string {
  const tokens = tokenize(text);
  let changed = true;
  while (changed) {
    changed = false;
    for (let n = Math.min(8, Math.floor(tokens.length / 2)); n >= 1 && !changed; n--) {
      for (let i = 0; i + n < tokens.length && !changed; i++) {
        if (n === 1 && tokens[i] === ',') continue;
        if (sameRun(tokens, i, i + n, n)) {
          tokens.splice(i + n, n);
          changed = true;
        } else if (connectors.has(tokens[i + n]?.toLowerCase() ?? '') && sameRun(tokens, i, i + n + 1, n)) {
          tokens.splice(i + n, n + 1);
          changed = true;
        }
      }
    }
  }
  return tokens.join(' ').replace(/ ,/g, ',');
}

function dropDanglingEnd(text: string): string {
  let result = text.replace(/[\s,;:]+$/, '');
  for (;;) {
    const match = result.match(/(?:^|[\s,]+)([\p{L}']+)$/u);
    if (!match || !danglingWords.has(match[1]!.toLowerCase())) return result;
    result = result.slice(0, result.length - match[0].length).replace(/[\s,;:]+$/, '');
  }
}

/**
 * Cleans one captioner output: removes BLIP's invented words (`arafed`, `araffe`, `arafy`), filler openings
 * (`there is a`, `a picture of`, `an image of`), fixes `person ' s` to `person's`, removes phrases repeated back to
 * back, drops a dangling last word (`... with a`) and tidies spaces and commas. Pure; safe to run twice.
 *
 * @example
 * ```ts
 * import { cleanCaption } from '@model-studio/captioning';
 * console.log(cleanCaption('there is a arafed woman standing in a field with a')); // "woman standing in a field"
 * ```
 */
export function cleanCaption(text: string): string {
  let result = text.replace(/\s+/g, ' ').trim();
  result = result.replace(
    new RegExp(`\\b(an?)\\s+${artifactWord.source}\\s+(?=(\\p{L}))`, 'giu'),
    (_m, _a, next: string) => (/[aeiou]/i.test(next) ? 'an ' : 'a '),
  );
  result = result.replace(artifactWord, ' ');
  result = result.replace(/(\w)\s+'\s+s\b/g, "$1's");
  result = result.replace(/\s+/g, ' ').trim();
  for (let previous = ''; previous !== result; ) {
    previous = result;
    result = result.replace(leadingFiller, '').trim();
  }
  result = removeRepeatedPhrases(result);
  result = dropDanglingEnd(result);
  result = result
    .replace(/\s*,\s*(?:,\s*)+/g, ', ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/^[\s,.;:]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return result;
}

/** Where each `"jobId"` key starts in a body (the only id field MaxStudio documents: `{"jobId": "..."}`). */
const jobIdKey = /"jobId"\s*:\s*/g;
/** A complete string value: its closing quote present, no escapes. */
const completeString = /^"([^"\\]*)"/;
/** A complete integer value: followed by a delimiter, so a number cut off mid-way is not taken. */
const completeNumber = /^(-?\d{1,30})(?=\s*[,}\]])/;
/** What a plausible id looks like: 1-200 printable ASCII characters, no spaces. */
const plausibleId = /^[\x21-\x7e]{1,200}$/;

/**
 * The job id in the raw text of a submission answer that is not valid JSON (cut off, or garbled around the id), or
 * `undefined`. Every `"jobId"` key in the text is read with a tolerant pattern (`"jobId"\s*:\s*"..."`, or an integer
 * as `parseJobAccepted` accepts); the id is returned only when every one of them has a complete, plausible value and
 * they all agree. None, one that is cut off or unreadable, or two different ids: `undefined` (the call stays uncertain).
 */
export function salvageJobId(text: string): string | undefined {
  const found = new Set<string>();
  for (const match of text.matchAll(jobIdKey)) {
    const rest = text.slice(match.index + match[0].length, match.index + match[0].length + 240);
    const value = completeString.exec(rest)?.[1] ?? completeNumber.exec(rest)?.[1];
    if (value === undefined || !plausibleId.test(value)) return undefined;
    found.add(value);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

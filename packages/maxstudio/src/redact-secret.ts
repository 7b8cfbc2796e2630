/** Replaces every occurrence of `secret` in `text` with `[redacted]`. Keys shorter than 4 characters are not searched. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

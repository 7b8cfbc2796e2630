const byExtension: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  json: 'application/json',
  jsonl: 'application/jsonl',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  toml: 'application/toml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  zip: 'application/zip',
  tar: 'application/x-tar',
  gz: 'application/gzip',
};

/**
 * The content type LocalStorage reports for a key, from its extension (LocalStorage stores no metadata beside files).
 * Unknown extensions, including `.safetensors`, are `application/octet-stream`.
 *
 * @internal
 */
export function contentTypeOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return (dot > 0 && byExtension[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

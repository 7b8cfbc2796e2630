/** A column of the sample grid: a version and its samples in order. */
export interface SampleGridColumn {
  version: string;
  samples: ReadonlyArray<{ file: string; bytes: Uint8Array; prompt?: string | undefined }>;
}

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function mediaType(file: string): string {
  if (/\.png$/i.test(file)) return 'image/png';
  if (/\.webp$/i.test(file)) return 'image/webp';
  return 'image/jpeg';
}

/**
 * A side-by-side grid of validation samples as one self-contained SVG: a column per version, a row per sample
 * (matched by position), each image embedded as a data URL with its file name (and prompt) beneath.
 */
export function renderSampleGrid(
  columns: readonly SampleGridColumn[],
  options: { cell?: number; sandbox?: boolean } = {},
): string {
  const cell = options.cell ?? 256;
  const label = 36;
  const header = 40;
  const rows = Math.max(0, ...columns.map((column) => column.samples.length));
  const width = Math.max(1, columns.length) * cell;
  const height = header + rows * (cell + label);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  columns.forEach((column, x) => {
    const title = `${column.version}${options.sandbox ? ' (sandbox)' : ''}`;
    parts.push(
      `<text x="${x * cell + cell / 2}" y="26" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`,
    );
    column.samples.forEach((sample, y) => {
      const top = header + y * (cell + label);
      const href = `data:${mediaType(sample.file)};base64,${Buffer.from(sample.bytes).toString('base64')}`;
      parts.push(`<image x="${x * cell + 4}" y="${top}" width="${cell - 8}" height="${cell - 8}" href="${href}"/>`);
      const caption = sample.prompt ? `${sample.file}: ${sample.prompt}` : sample.file;
      parts.push(`<text x="${x * cell + 6}" y="${top + cell + 8}">${escapeXml(caption.slice(0, 48))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** 5x7 pixel glyphs for the mark (no fonts needed, so it renders the same everywhere). */
const glyphs: Record<string, string[]> = {
  S: ['01111', '10000', '10000', '01110', '00001', '00001', '11110'],
  A: ['01110', '10001', '10001', '11111', '10001', '10001', '10001'],
  N: ['10001', '11001', '10101', '10011', '10001', '10001', '10001'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  B: ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
  O: ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
  X: ['10001', '10001', '01010', '00100', '01010', '10001', '10001'],
};

/**
 * An SVG of the visible "SANDBOX" mark for an image `width` x `height`: yellow pixel letters on a dark band in the
 * bottom-left corner, sized to about a third of the image width.
 */
export function sandboxMarkSvg(width: number, height: number): string {
  const text = 'SANDBOX';
  const cell = Math.max(1, Math.floor(Math.min(width / 3, height) / (text.length * 6 + 2)));
  const bandWidth = Math.min(width, cell * (text.length * 6 + 2));
  const bandHeight = Math.min(height, cell * 9);
  const rects: string[] = [];
  for (const [index, letter] of [...text].entries()) {
    const rows = glyphs[letter] ?? [];
    for (const [row, bits] of rows.entries()) {
      for (const [column, bit] of [...bits].entries()) {
        if (bit !== '1') continue;
        rects.push(
          `<rect x="${cell * (1 + index * 6 + column)}" y="${height - bandHeight + cell * (1 + row)}" width="${cell}" height="${cell}"/>`,
        );
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect x="0" y="${height - bandHeight}" width="${bandWidth}" height="${bandHeight}" fill="#000" fill-opacity="0.7"/><g fill="#ffd400">${rects.join('')}</g></svg>`;
}

/** A caption as SimpleTuner's `textfile` strategy wants it: one line (each line would count as a separate caption). */
export function captionLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `photo.jpg` -> `photo.txt`. */
export function captionFileName(imageName: string): string {
  return imageName.replace(/\.[^.]+$/, '') + '.txt';
}

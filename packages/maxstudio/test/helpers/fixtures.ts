import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))));

/** Public-domain portraits (see fixtures/labels.json). */
export const graceHopper = fixture('grace-hopper.jpg');
export const astronaut = fixture('astronaut.png');

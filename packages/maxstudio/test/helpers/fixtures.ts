import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))));

/** Public-domain portraits (see fixtures/labels.json). */
export const graceHopper = fixture('grace-hopper.jpg');
export const astronaut = fixture('astronaut.png');

/**
 * A minimal MP4 container: an `ftyp` box (brand isom) and an empty `mdat` box, no tracks. The sandbox does not decode
 * video (it checks the container and hands the video back as the swap's output), so this is all its video routes need.
 */
export function tinyMp4(): Uint8Array {
  const box = (type: string, payload: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + payload.byteLength, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, payload]);
  };
  const ftyp = box(
    'ftyp',
    Buffer.concat([Buffer.from('isom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2mp41', 'latin1')]),
  );
  return new Uint8Array(Buffer.concat([ftyp, box('mdat', Buffer.alloc(0))]));
}

import type { BoundingBox, FaceDetector } from '@model-studio/core';
import { orientedSize } from './heuristic-face-detector.js';
import { loadSharp } from './load-sharp.js';
import { sandboxMarkSvg } from './sandbox-mark.js';

function clampBox(box: BoundingBox, width: number, height: number): BoundingBox | undefined {
  const x = Math.max(0, Math.floor(box.x));
  const y = Math.max(0, Math.floor(box.y));
  const right = Math.min(width, Math.ceil(box.x + box.width));
  const bottom = Math.min(height, Math.ceil(box.y + box.height));
  if (right - x < 2 || bottom - y < 2) return undefined;
  return { x, y, width: right - x, height: bottom - y };
}

function largest(boxes: BoundingBox[]): BoundingBox | undefined {
  return boxes.reduce<BoundingBox | undefined>(
    (best, box) => (!best || box.width * box.height > best.width * best.height ? box : best),
    undefined,
  );
}

/** An SVG whose alpha is an ellipse filling the box with feathered (blurred) edges. */
function featherMask(width: number, height: number): Buffer {
  const feather = Math.max(1, Math.round(Math.min(width, height) * 0.06));
  const rx = Math.max(1, width / 2 - feather);
  const ry = Math.max(1, height / 2 - feather);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><filter id="f" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${feather / 2}"/></filter></defs><ellipse cx="${width / 2}" cy="${height / 2}" rx="${rx}" ry="${ry}" fill="#fff" filter="url(#f)"/></svg>`,
  );
}

/** Checks that the bytes are a decodable image; returns its oriented size. */
export async function decodableSize(bytes: Uint8Array): Promise<{ width: number; height: number } | undefined> {
  const sharp = await loadSharp();
  try {
    const { info } = await sharp(bytes).rotate().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height };
  } catch {
    return undefined;
  }
}

/**
 * The sandbox's swap: for each box, the source's face (found with `detector`, largest face) resized into the box and
 * blended in with a feathered ellipse, then the SANDBOX mark; JPEG out.
 */
export async function composeSwap(
  target: Uint8Array,
  sources: Uint8Array[],
  boxes: BoundingBox[],
  detector: FaceDetector,
): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const { width, height } = await orientedSize(target);
  const layers: Array<{ input: Buffer; left: number; top: number }> = [];
  const faces = new Map<Uint8Array, { bytes: Buffer; box: BoundingBox }>();
  for (const [index, requested] of boxes.entries()) {
    const box = clampBox(requested, width, height);
    const source = sources[index] ?? sources[0];
    if (!box || !source) continue;
    let face = faces.get(source);
    if (!face) {
      const oriented = await sharp(source).rotate().removeAlpha().toBuffer({ resolveWithObject: true });
      const found = largest((await detector.detectFaces({ bytes: oriented.data })).map((detected) => detected.box));
      const faceBox = (found && clampBox(found, oriented.info.width, oriented.info.height)) ?? {
        x: 0,
        y: 0,
        width: oriented.info.width,
        height: oriented.info.height,
      };
      face = { bytes: oriented.data, box: faceBox };
      faces.set(source, face);
    }
    const pasted = await sharp(face.bytes)
      .extract({ left: face.box.x, top: face.box.y, width: face.box.width, height: face.box.height })
      .resize(box.width, box.height, { fit: 'fill' })
      .ensureAlpha()
      .composite([{ input: featherMask(box.width, box.height), blend: 'dest-in' }])
      .png()
      .toBuffer();
    layers.push({ input: pasted, left: box.x, top: box.y });
  }
  const output = await sharp(target)
    .rotate()
    .removeAlpha()
    .composite([...layers, { input: Buffer.from(sandboxMarkSvg(width, height)), left: 0, top: 0 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(output);
}

/** The sandbox's enhance: a real lanczos3 resize by `upscale` (2 or 4) plus the SANDBOX mark; JPEG out. */
export async function enhanceImage(input: Uint8Array, upscale: number): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const size = await orientedSize(input);
  const width = size.width * upscale;
  const height = size.height * upscale;
  const output = await sharp(input)
    .rotate()
    .removeAlpha()
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .composite([{ input: Buffer.from(sandboxMarkSvg(width, height)), left: 0, top: 0 }])
    .jpeg({ quality: 92 })
    .toBuffer();
  return new Uint8Array(output);
}

/**
 * A made-up picture for what the sandbox cannot make from a video (it does not decode video): a skin-coloured oval on
 * a plain background (a "face" the heuristic detector finds) with the SANDBOX mark; JPEG out. Used for the face images
 * of `/detect-face-video` and the thumbnails of video swaps.
 */
export async function sandboxPicture(width: number, height: number, background: string): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const oval = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><ellipse cx="${width / 2}" cy="${height * 0.45}" rx="${Math.min(width, height) * 0.22}" ry="${Math.min(width, height) * 0.3}" fill="#e0ac8a"/></svg>`;
  const output = await sharp({ create: { width, height, channels: 3, background } })
    .composite([
      { input: Buffer.from(oval), left: 0, top: 0 },
      { input: Buffer.from(sandboxMarkSvg(width, height)), left: 0, top: 0 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(output);
}

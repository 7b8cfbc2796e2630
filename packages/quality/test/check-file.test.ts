import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkFile, type FileIssueCode } from '../src/index.js';
import { badImage, badImagesDir, bomb, face, grace } from './fixtures.js';

/** Expected first error code for every file in test/fixtures/bad-images (with the default 800 px minimum). */
const expected: Record<string, FileIssueCode> = {
  'animated.gif': 'unsupported-format',
  'corrupt-scan-data.jpg': 'too-small',
  'html-renamed.png': 'unsupported-format',
  'huge-20000x20000-solid.jpg': 'too-many-pixels',
  'huge-20000x20000-solid.png': 'too-many-pixels',
  'multipage.tif': 'unsupported-format',
  'one-pixel.jpg': 'too-small',
  'png-renamed.jpg': 'too-small',
  'random-bytes.jpg': 'unsupported-format',
  'skimage-truncated.jpg': 'corrupt',
  'strip-30000x8.png': 'too-small',
  'svg-disguised.jpg': 'unsupported-format',
  'text-renamed.jpg': 'unsupported-format',
  'tiny-16x16.png': 'too-small',
  'truncated-half.jpg': 'too-small',
  'truncated-header-only.jpg': 'corrupt',
  'zero-byte.jpg': 'empty',
};

describe('checkFile on every bad image', () => {
  const files = readdirSync(badImagesDir).filter((f) => !f.endsWith('.md'));
  it('has an expectation for each fixture', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });
  for (const file of files) {
    it(`${file}: refused with ${expected[file]}`, async () => {
      const result = await checkFile(badImage(file), { fileName: file });
      expect(result.ok).toBe(false);
      expect(result.issues[0]!.code).toBe(expected[file]);
      for (const issue of result.issues) expect(issue.message).toMatch(/^[A-Z].*\.$/s);
    });
  }

  it('finds damaged pixel data once the size rules pass', async () => {
    for (const file of ['corrupt-scan-data.jpg', 'truncated-half.jpg']) {
      const result = await checkFile(badImage(file), { minShortSide: 1 });
      expect(result.issues.map((i) => i.code)).toEqual(['corrupt']);
    }
  });

  it('reports a PNG named .jpg as a warning and judges it as PNG', async () => {
    const result = await checkFile(badImage('png-renamed.jpg'), { fileName: 'photo.jpg', minShortSide: 100 });
    expect(result).toMatchObject({ ok: true, format: 'png', width: 451, height: 300 });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'format-mismatch', severity: 'warning' })]);
  });

  it('refuses decompression bombs from the header alone', async () => {
    for (const format of ['jpeg', 'png'] as const) {
      const result = await checkFile(await bomb(format));
      expect(result).toMatchObject({ ok: false, width: 20000, height: 20000 });
      expect(result.issues[0]!.code).toBe('too-many-pixels');
    }
  });

  it('refuses an animated WebP as multi-frame', async () => {
    const frame = (background: string) =>
      sharp({ create: { width: 900, height: 900, channels: 3, background } })
        .png()
        .toBuffer();
    const animated = await sharp([await frame('#888'), await frame('#111')], { join: { animated: true } })
      .webp()
      .toBuffer();
    const result = await checkFile(new Uint8Array(animated));
    expect(result.issues.map((i) => i.code)).toEqual(['multi-frame']);
    expect(result.issues[0]!.message).toMatch(/2 frames/);
  });
});

describe('checkFile on good images', () => {
  it('accepts a large enough JPEG and reports its size', async () => {
    const result = await checkFile(face(grace), { minShortSide: 512 });
    expect(result).toMatchObject({ ok: true, issues: [], format: 'jpeg', width: 512, height: 512 });
  });

  it('reports width and height after EXIF orientation', async () => {
    const stored = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#123456' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const result = await checkFile(new Uint8Array(stored));
    expect(result).toMatchObject({ ok: true, width: 900, height: 1200, orientation: 6 });
  });

  it('refuses a file above maxBytes, or re-encodes it to fit when asked', async () => {
    const large = await sharp(face(grace)).resize(1600, 1600).png().toBuffer();
    const maxBytes = 300_000;
    expect(large.length).toBeGreaterThan(maxBytes);
    const refused = await checkFile(new Uint8Array(large), { maxBytes });
    expect(refused.issues.map((i) => i.code)).toEqual(['too-large-bytes']);
    const fitted = await checkFile(new Uint8Array(large), { maxBytes, reencodeToFit: true });
    expect(fitted.ok).toBe(true);
    expect(fitted.bytes!.length).toBeLessThanOrEqual(maxBytes);
    expect(fitted.format).toBe('jpeg');
    expect(Math.min(fitted.width!, fitted.height!)).toBeGreaterThanOrEqual(800);
  });

  it('stops when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(checkFile(face(grace), { signal: controller.signal })).rejects.toThrow('stop');
  });
});

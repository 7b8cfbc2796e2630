import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousAxeViolations } from './axe.js';

/** The widths every page is checked and photographed at. */
export const widths = [375, 1440] as const;

/** Where this run's screenshots go (printed by the test): `examples/web/.tmp/screenshots/<time>`. */
export function screenshotFolder(): string {
  const folder = join(
    new URL('../../.tmp/screenshots/', import.meta.url).pathname,
    new Date().toISOString().replaceAll(':', '-'),
  );
  mkdirSync(folder, { recursive: true });
  return folder;
}

/**
 * At each width: no horizontal scroll, no serious or critical axe-core violation, and a full-page screenshot
 * `<folder>/<name>-<width>.png`. Leaves the page at 1440 px.
 */
export async function checkPage(page: Page, folder: string, name: string): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(50);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(width);
    expect(await seriousAxeViolations(page), `${name} at ${width} px`).toEqual([]);
    await page.screenshot({ path: join(folder, `${name}-${width}.png`), fullPage: true });
  }
}

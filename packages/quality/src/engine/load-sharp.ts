import type SharpModule from 'sharp';

/** The sharp factory function. */
export type Sharp = typeof SharpModule;

let loaded: Promise<Sharp> | undefined;

/** Loads sharp on first use, so importing this package stays cheap. */
export function loadSharp(): Promise<Sharp> {
  loaded ??= import('sharp').then((mod) => (mod as { default: Sharp }).default ?? (mod as unknown as Sharp));
  return loaded;
}

import type SharpType from 'sharp';

let loaded: Promise<typeof SharpType> | undefined;

/** Imports sharp on first use, so importing the sandbox (or the client) never loads it. */
export function loadSharp(): Promise<typeof SharpType> {
  loaded ??= import('sharp').then((module) => module.default);
  return loaded;
}

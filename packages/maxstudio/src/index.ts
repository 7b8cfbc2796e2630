/** Typed MaxStudio API client, its face detector/swapper/enhancer adapters, and a sandbox emulator. */
export const packageName = '@model-studio/maxstudio';

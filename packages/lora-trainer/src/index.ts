/** Dataset builders, SimpleTuner config and trainer adapters (RunPod, local). */
export const packageName = '@model-studio/lora-trainer';
export * from './ai-toolkit/index.js';
export { type BuildTrainingConfigOptions, buildTrainingConfig } from './build-training-config.js';
export * from './checkpoints/index.js';
export * from './dataset/index.js';
export * from './hub/index.js';
export * from './local/index.js';
export * from './model-family.js';
export * from './preflight/index.js';
export * from './runpod/index.js';
export * from './safetensors/index.js';
export * from './simpletuner/index.js';
export * from './training-engine.js';
export * from './training-setup/index.js';
export * from './versions/index.js';

export { type EstimateLoraBytesOptions, estimateLoraBytes } from './estimate-lora-bytes.js';
export { inspectLora, type LoraInspection } from './inspect-lora.js';
export { type LoraLayer, type LoraLayersOptions, loraLayers } from './lora-layers.js';
export { comfyuiLayerName, type LoraDtype, type LoraFormat, loraLayerTensors } from './lora-tensors.js';
export {
  dtypeBytes,
  encodeSafetensorsHeader,
  readSafetensorsHeader,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  type SafetensorsTensorSpec,
} from './safetensors-header.js';
export { type SandboxLoraFileOptions, sandboxLoraFile } from './sandbox-lora-file.js';

/** Dataset builders, SimpleTuner config and trainer adapters (RunPod, local). */
export const packageName = '@model-studio/lora-trainer';

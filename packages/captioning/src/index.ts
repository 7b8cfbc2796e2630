/** Captioner adapters (Hugging Face Inference, OpenAI-compatible VLMs) and caption templates. */
export const packageName = '@model-studio/captioning';

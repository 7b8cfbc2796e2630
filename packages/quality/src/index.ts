/** Face-quality checks: file checks, face detection, identity, sharpness and exposure, on sharp + tfjs. */
export const packageName = '@model-studio/quality';

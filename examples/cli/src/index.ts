/** The `studio` command: the example CLI over the AI Model Studio packages. */
export const packageName = '@model-studio/cli';

export { LocalTrainer } from './local-trainer.js';
export type { LocalJobRecord, LocalTrainerSettings } from './local-trainer-settings.js';

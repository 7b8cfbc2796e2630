export {
  createRunpodTrainerFromSettings,
  type InProcessRunpodSandbox,
  type RunpodTrainerFromSettings,
  type RunpodTrainerFromSettingsOptions,
} from './create-runpod-trainer-from-settings.js';
export { type LoadTrainingSetupOptions, loadTrainingSetup, type TrainingSetup } from './load-training-setup.js';

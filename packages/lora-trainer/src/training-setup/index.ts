export { type LoadTrainingSetupOptions, loadTrainingSetup, type TrainingSetup } from './load-training-setup.js';

import type { FaceChecker, ImageProcessor, Studio, Workspace } from '@model-studio/core';
import type { JobQueue } from '@model-studio/jobs';
import type { FastifyBaseLogger } from 'fastify';
import type { AccountStore } from './auth/account-store.js';
import type { ServerConfig } from './server-config.js';

/** A Studio wired like the CLI's, opened for one request or job. */
export interface ServerStudio {
  studio: Studio;
  workspace: Workspace;
  /** True when results come from a sandbox: job results, health and the banner say SANDBOX. */
  sandbox: boolean;
  /** E.g. `MaxStudio sandbox (in-process at http://127.0.0.1:41234; no real credits are spent)`. */
  providerLabel: string;
  /** The studio's trainer, when it tells the most a training may cost (USD; reserved before the pod starts). */
  trainerEstimateUsd?: () => Promise<number>;
  /** The MaxStudio credits left, when the provider tells them (its sandboxes do; the real API documents no call). */
  providerCredits?: () => Promise<number>;
  /** The studio's image processor (the quality package's), for derived images such as the cards' thumbnails. */
  imageProcessor?: ImageProcessor;
  /** The studio's face checker (the quality package's), for measuring LoRA samples against the source face. */
  faceChecker?: FaceChecker;
  /** Closes the studio and everything opened for it (it holds the model's run lock while running). */
  close(): Promise<void>;
}

/** What every route plugin and job handler gets. */
export interface ServerContext {
  config: ServerConfig;
  /**
   * Opens a Studio wired like the CLI's (storage, MaxStudio, quality, captioner, dataset builder, trainer).
   * One per request or job; close it when done (it holds the model's run lock while running).
   */
  openStudio(): Promise<ServerStudio>;
  /** Embedded or BullMQ. */
  queue: JobQueue;
  /** Users, API keys, model ownership. */
  accounts: AccountStore;
  logger: FastifyBaseLogger;
  /** The face-swap provider this server uses (decided by the config, before any studio opens). */
  provider: { sandbox: boolean; label: string };
}

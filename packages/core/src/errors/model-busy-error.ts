import { type ErrorHint, ModelStudioError } from './model-studio-error.js';

/**
 * Another live process holds the model's run lock (its journal and ledger): it is running the model. Thrown when a
 * second run is started, and by `Workspace.revokeConsent({ deleteData: true })` and `Workspace.deleteModel`, which
 * never delete a model's data while another process is running it.
 */
export class ModelBusyError extends ModelStudioError {
  /**
   * @param model the model.
   * @param pid the process holding the lock (-1 when it could not be read).
   * @param message what was (not) done and what to do next; by default, that only one process may run a model.
   * @param hint the next step as data; by default, reading the model's status meanwhile.
   */
  constructor(
    readonly model: string,
    readonly pid: number,
    message?: string,
    hint: ErrorHint = { action: 'status', model },
  ) {
    super(
      'model-busy',
      message ??
        `Model "${model}" is being processed by another process (pid ${pid}): only one process may run a model at a time. ` +
          'Wait for it to finish (or stop it), then try again; its status can be read meanwhile.',
      { hint },
    );
    this.name = 'ModelBusyError';
  }
  static override isInstance(error: unknown): error is ModelBusyError {
    return ModelStudioError.hasCode(error, 'model-busy');
  }
}

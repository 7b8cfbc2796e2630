import { checkHubModelAccess } from '../hub/check-hub-model-access.js';
import type { PreflightFinding } from './preflight-finding.js';
import type { PreflightInput } from './run-preflight.js';

/** The base model's access on the Hub with the user's token. */
export async function hubFindings(input: PreflightInput, model: string): Promise<PreflightFinding[]> {
  if (input.hub === false || input.hub === undefined) {
    return [
      {
        check: 'base-model-access',
        severity: input.family === 'flux' ? 'warning' : 'info',
        message: `Access to ${model} on the Hugging Face Hub was not checked.`,
        fix: 'Pass hub: { token } to check it before renting a GPU (FLUX.1-dev is gated).',
      },
    ];
  }
  const access = await checkHubModelAccess({ ...input.hub, model, signal: input.signal });
  if (access.status === 'ok') return [];
  return [
    {
      check: 'base-model-access',
      severity: access.status === 'unreachable' ? 'warning' : 'error',
      message: access.message,
      fix:
        access.status === 'gated-no-access'
          ? `Accept the model's licence on its Hub page with the token's account, then retry.`
          : 'Check the model name and HF_TOKEN.',
    },
  ];
}

/** An invalid config, as an error finding. */
export function configFinding(error: unknown, engine: string): PreflightFinding {
  return {
    check: 'config',
    severity: 'error',
    message: error instanceof Error ? error.message : String(error),
    fix: `Fix the ${engine} config (see the message) and run the pre-flight again.`,
  };
}

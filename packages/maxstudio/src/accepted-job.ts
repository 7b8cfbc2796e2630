import { parseJobAccepted } from './response-schemas.js';
import { salvageJobId } from './salvage-job-id.js';

/** Reads a submission's answer: `{"jobId"}`, or, from a 2xx body that is not valid JSON, the one complete job id in it. */
export function acceptedJob(operation: string) {
  return {
    read: (body: unknown) => {
      const id = parseJobAccepted(body);
      return id === undefined ? undefined : { id };
    },
    salvage: (text: string, answer: { status: number; requestId: string | undefined }) => {
      const id = salvageJobId(text);
      if (id === undefined) return undefined;
      const note = `MaxStudio answered the ${operation} with HTTP ${answer.status} and a body that is not valid JSON; job id ${id} was recovered from its raw text (the only complete "jobId" in it), so the job counts as accepted.`;
      return { id, malformedBody: { status: answer.status, requestId: answer.requestId, note } };
    },
  };
}

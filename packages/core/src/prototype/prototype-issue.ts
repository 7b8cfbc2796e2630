/**
 * Why a part of a prototype tree could not be imported as it is. Each is reported, never guessed silently:
 * - `unmatched-target` / `unmatched-source`: a result names a target or source number that no file of the listing has;
 * - `missing-file`: `progress.json` says a stage completed but its file is not in the tree (the charge is recorded,
 *   the stage is not marked done);
 * - `png-as-jpg`: a PNG stored under a `.jpg` name (converted to JPEG when the studio has an image processor);
 * - `corrupt-progress` / `corrupt-config`: a JSON file that cannot be read (results are imported from the files alone);
 * - `zoneless-timestamps`: times written without a zone (read as UTC, as the prototype's samples show);
 * - `expired-url`: presigned `s3_url`s past their expiry (the key is taken from the URL's path);
 * - `duplicate-result`: two results land on one unit once duplicate targets are merged (the first is kept);
 * - `result-without-task`: a result file with no completed task in `progress.json` (imported without a job id);
 * - `no-progress`: no `progress.json` (results imported from the files alone, without job ids);
 * - `legacy-layout`: the layout of the prototype's first model (`andie_nsfw_001.jpg`), read by target file name;
 * - `conflict`: the workspace already holds a different file under the name the import would write (left alone);
 * - `unrecognised-file`: a file the importer does not know (left out);
 * - `caption-without-image`: a caption `.txt` whose enhanced image is not imported.
 */
export type PrototypeIssueCode =
  | 'unmatched-target'
  | 'unmatched-source'
  | 'missing-file'
  | 'png-as-jpg'
  | 'corrupt-progress'
  | 'corrupt-config'
  | 'zoneless-timestamps'
  | 'expired-url'
  | 'duplicate-result'
  | 'result-without-task'
  | 'no-progress'
  | 'legacy-layout'
  | 'conflict'
  | 'unrecognised-file'
  | 'caption-without-image';

/** One thing of a prototype tree the import reports (see {@link PrototypeIssueCode}). */
export interface PrototypeIssue {
  code: PrototypeIssueCode;
  /** The prototype file (relative to the tree) it is about, when there is one. */
  path?: string;
  /** What happened and what the import did about it, for people. */
  message: string;
}

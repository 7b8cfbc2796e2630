import { podEnv, podOutputs } from './pod-protocol.js';

/** Options of {@link podStartCommand}. */
export interface PodStartCommandOptions {
  /**
   * pip requirement that installs SimpleTuner (AGPL-3.0: installed on the pod, never bundled).
   * @default "simpletuner[cuda]"
   */
  simpletunerRequirement?: string;
  /**
   * Folder on the pod where the config and outputs live.
   * @default '/workspace/run'
   */
  workDir?: string;
  /**
   * Folder the dataset archive is unpacked into: the dataset builder's `remoteRoot`, which its multidatabackend.json
   * paths start with.
   * @default '/workspace/dataset'
   */
  datasetDir?: string;
}

/**
 * A bash function `outputs` for the start commands: uploads each file matching a pattern of `MS_PUT_OUTPUTS`
 * (`<pattern>=<url>` pairs) once, when it has not changed for 15 s (`outputs all`: at once), marking it in
 * `.uploaded/`.
 */
export function putOutputsShell(): string {
  return (
    `outputs() { mkdir -p .uploaded; set -f; for pair in $${podEnv.putOutputs}; do set +f; pat="\${pair%%=*}"; url="\${pair#*=}";` +
    ' for f in $pat; do m=".uploaded/$(echo "$f" | tr / _)";' +
    ' if [ -f "$f" ] && [ ! -e "$m" ] && { [ "$*" = all ] || [ $(( $(date +%s) - $(stat -c %Y "$f") )) -ge 15 ]; }; then' +
    ' curl -fsS -X PUT --retry 5 --upload-file "$f" "$url" >/dev/null && touch "$m"; fi; done; set -f; done; set +f; }'
  );
}

/**
 * The pod's start command (`args` of `POST /v2/pods`): a `bash -c` script that installs SimpleTuner with
 * `pip install 'simpletuner[cuda]'`, downloads the dataset archive from its signed GET URL and unpacks it into `datasetDir`, writes
 * config.json, trains while uploading `training_metrics.jsonl` every `MS_UPLOAD_INTERVAL` seconds, then uploads the
 * LoRA, metrics, validation samples, checkpoints (`MS_PUT_OUTPUTS`), log and a final `training_status.json` to their signed PUT URLs, and always
 * (an EXIT trap) deletes its own pod with the pod-scoped `RUNPOD_API_KEY`. Every input comes from the environment
 * (see `podEnv`), so the command itself holds no URL or secret.
 */
export function podStartCommand(options: PodStartCommandOptions = {}): string {
  const requirement = options.simpletunerRequirement ?? 'simpletuner[cuda]';
  const dir = options.workDir ?? '/workspace/run';
  const datasetDir = options.datasetDir ?? '/workspace/dataset';
  const e = podEnv;
  const script = [
    'set -u',
    `mkdir -p ${datasetDir} ${dir}/output && cd ${dir}`,
    'put() { curl -fsS -X PUT --retry 5 --upload-file "$1" "$2" >/dev/null || echo "upload of $1 failed"; }',
    putOutputsShell(),
    `status() { printf '{"status":"%s","last_step":%s,"message":"%s"}' "$1" "$(wc -l < output/${podOutputs.metrics} 2>/dev/null || echo 0)" "$2" > status.json; put status.json "$${e.putStatus}"; }`,
    `finish() { code=$?; kill $UPLOADER 2>/dev/null; put output/${podOutputs.metrics} "$${e.putMetrics}"; put train.log "$${e.putLog}"; outputs all;` +
      ` i=1; for s in $${e.putSamples}; do f=$(ls output/validation_images/*.png 2>/dev/null | sed -n "$i"p); [ -n "$f" ] && put "$f" "$s"; i=$((i+1)); done;` +
      ` if [ "$code" = 0 ] && [ -f output/${podOutputs.lora} ]; then put output/${podOutputs.lora} "$${e.putLora}" && status completed ok || status failed "LoRA upload failed"; else status failed "exit $code"; fi;` +
      ` curl -fsS -X DELETE -H "Authorization: Bearer $RUNPOD_API_KEY" "$${e.apiBase}/v2/pods/$RUNPOD_POD_ID"; }`,
    'UPLOADER=0; trap finish EXIT',
    'exec > >(tee -a train.log) 2>&1',
    `pip install --no-cache-dir '${requirement}' || exit 1`,
    `curl -fsS --retry 5 "$${e.datasetUrl}" -o dataset.tar && tar -xf dataset.tar -C ${datasetDir} || exit 1`,
    `echo "$${e.config}" | base64 -d > config.json`,
    `touch output/${podOutputs.metrics}`,
    `( while sleep "$${e.uploadInterval}"; do put output/${podOutputs.metrics} "$${e.putMetrics}"; outputs; done ) & UPLOADER=$!`,
    'CONFIG_BACKEND=json CONFIG_PATH=config.json simpletuner train',
  ].join('\n');
  return `bash -c '${script.replaceAll("'", `'"'"'`)}'`;
}

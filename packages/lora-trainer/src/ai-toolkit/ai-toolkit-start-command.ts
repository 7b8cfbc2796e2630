import { podEnv, podOutputs } from '../runpod/pod-protocol.js';
import { putOutputsShell } from '../runpod/pod-start-command.js';
import { aiToolkitMetricsScript } from './ai-toolkit-metrics-script.js';

/** The ai-toolkit commit the pods install: version 0.12.26 (2026-08-21); the repository has no release tags. */
export const aiToolkitPinnedRef = '27a03a91f23eb1b757d5ec2e80ee3e129cfcc350';

/** Options of {@link aiToolkitStartCommand}. */
export interface AiToolkitStartCommandOptions {
  /** Git repository of ai-toolkit (MIT; installed on the pod, never bundled). @default 'https://github.com/ostris/ai-toolkit.git' */
  repository?: string;
  /** The tag or commit to check out; pin one (users report OOM regressions after updating). @default aiToolkitPinnedRef */
  ref?: string;
  /** Where ai-toolkit is cloned on the pod. @default '/workspace/ai-toolkit' */
  installDir?: string;
  /**
   * pip arguments that install PyTorch first, as ai-toolkit's README says (its pins need CUDA 13 drivers; with an
   * older image, pin a matching build here).
   * @default 'torch==2.13.0 torchvision==0.28.0 torchaudio==2.11.0 --index-url https://download.pytorch.org/whl/cu130'
   */
  torchInstall?: string;
  /** Folder on the pod for the config, log and outputs. @default '/workspace/run' */
  workDir?: string;
  /** Folder the dataset archive is unpacked into (the dataset builder's `remoteRoot`). @default '/workspace/dataset' */
  datasetDir?: string;
}

/**
 * The pod's start command for ai-toolkit (a `bash -c` script): clones ai-toolkit at a pinned commit into a venv
 * (PyTorch first, then `requirements.txt`), downloads and unpacks the dataset archive, writes `config.yaml`, and runs
 * `python run.py <workDir>/config.yaml` with `PYTHONUNBUFFERED=1`. While it trains, every `MS_UPLOAD_INTERVAL` seconds
 * it converts `loss_log.db` to `training_metrics.jsonl` and uploads it, the console (`train.log`: the runner reads
 * the training bar from it) and the checkpoints and samples of `MS_PUT_OUTPUTS`. At the end (an EXIT trap) it uploads
 * everything left, the final LoRA (`MS_LORA_PATH`; exit code 0 without it means "stopped": failed) and
 * `training_status.json`, then deletes its own pod with the pod-scoped `RUNPOD_API_KEY`. Inputs come from the
 * environment (`podEnv`); the command holds no URL or secret.
 */
export function aiToolkitStartCommand(options: AiToolkitStartCommandOptions = {}): string {
  const repository = options.repository ?? 'https://github.com/ostris/ai-toolkit.git';
  const ref = options.ref ?? aiToolkitPinnedRef;
  const install = options.installDir ?? '/workspace/ai-toolkit';
  const torch =
    options.torchInstall ??
    'torch==2.13.0 torchvision==0.28.0 torchaudio==2.11.0 --index-url https://download.pytorch.org/whl/cu130';
  const dir = options.workDir ?? '/workspace/run';
  const datasetDir = options.datasetDir ?? '/workspace/dataset';
  const e = podEnv;
  const metricsScript = Buffer.from(aiToolkitMetricsScript).toString('base64');
  const script = [
    'set -u',
    `mkdir -p ${datasetDir} ${dir}/output && cd ${dir}`,
    'put() { curl -fsS -X PUT --retry 5 --upload-file "$1" "$2" >/dev/null || echo "upload of $1 failed"; }',
    putOutputsShell(),
    `metrics() { python3 metrics.py output > m.tmp 2>/dev/null && [ -s m.tmp ] && mv m.tmp ${podOutputs.metrics}; }`,
    `status() { printf '{"status":"%s","last_step":%s,"message":"%s"}' "$1" "$(wc -l < ${podOutputs.metrics} 2>/dev/null || echo 0)" "$2" > status.json; put status.json "$${e.putStatus}"; }`,
    `finish() { code=$?; cd ${dir}; kill $UPLOADER 2>/dev/null; metrics; put ${podOutputs.metrics} "$${e.putMetrics}"; put train.log "$${e.putLog}"; outputs all;` +
      ` if [ "$code" = 0 ] && [ -f "$${e.loraPath}" ]; then put "$${e.loraPath}" "$${e.putLora}" && status completed ok || status failed "LoRA upload failed"; elif [ "$code" = 0 ]; then status failed "stopped before the final LoRA was written"; else status failed "exit $code"; fi;` +
      ` curl -fsS -X DELETE -H "Authorization: Bearer $RUNPOD_API_KEY" "$${e.apiBase}/v2/pods/$RUNPOD_POD_ID"; }`,
    'UPLOADER=0; trap finish EXIT',
    'exec > >(tee -a train.log) 2>&1',
    `echo ${metricsScript} | base64 -d > metrics.py`,
    `( git clone --filter=blob:none ${repository} ${install} && cd ${install} && git checkout --quiet ${ref} && python3 -m venv venv && . venv/bin/activate && pip install --no-cache-dir ${torch} && pip install --no-cache-dir -r requirements.txt ) || exit 1`,
    `curl -fsS --retry 5 "$${e.datasetUrl}" -o dataset.tar && tar -xf dataset.tar -C ${datasetDir} || exit 1`,
    `echo "$${e.config}" | base64 -d > config.yaml`,
    `touch ${podOutputs.metrics}`,
    `( while sleep "$${e.uploadInterval}"; do metrics; put ${podOutputs.metrics} "$${e.putMetrics}"; put train.log "$${e.putLog}"; outputs; done ) & UPLOADER=$!`,
    `( cd ${install} && . venv/bin/activate && PYTHONUNBUFFERED=1 python run.py ${dir}/config.yaml )`,
  ].join('\n');
  return `bash -c '${script.replaceAll("'", `'"'"'`)}'`;
}

import { describe, expect, it } from 'vitest';
import { aiToolkitLossPoints, lastAiToolkitProgress, listCheckpoints, parseAiToolkitLine } from '../src/index.js';

describe('listCheckpoints: each checkpoint with its step and samples, per engine', () => {
  it('ai-toolkit: <name>_<9 digits>.safetensors and <ms>__<9 digits>_<i>.jpg', () => {
    const files = [
      'andie_flux_lora.safetensors',
      'checkpoints/andie_flux_lora_000000200.safetensors',
      'checkpoints/andie_flux_lora_000000400.safetensors',
      'samples/1724000000000__000000000_0.jpg',
      'samples/1724000000100__000000200_1.jpg',
      'samples/1724000000100__000000200_0.jpg',
      'samples/1724000000200__000000400_0.jpg',
      'samples/1724000000300__000000600_0.jpg',
      'training_metrics.jsonl',
      'config.json',
    ];
    expect(listCheckpoints(files, { finalStep: 600 })).toEqual([
      {
        step: 200,
        file: 'checkpoints/andie_flux_lora_000000200.safetensors',
        final: false,
        samples: ['samples/1724000000100__000000200_0.jpg', 'samples/1724000000100__000000200_1.jpg'],
      },
      {
        step: 400,
        file: 'checkpoints/andie_flux_lora_000000400.safetensors',
        final: false,
        samples: ['samples/1724000000200__000000400_0.jpg'],
      },
      {
        step: 600,
        file: 'andie_flux_lora.safetensors',
        final: true,
        samples: ['samples/1724000000300__000000600_0.jpg'],
      },
    ]);
  });

  it('SimpleTuner: checkpoint-<N>/ folders, step-<N>-<i>.png, step-less samples go to the final LoRA', () => {
    const files = [
      'pytorch_lora_weights.safetensors',
      'checkpoints/checkpoint-5/pytorch_lora_weights.safetensors',
      'samples/step-5-0.png',
      'samples/step-10-0.png',
      'samples/sample-0.png',
    ];
    const list = listCheckpoints(files);
    expect(list.map((c) => [c.step, c.final, c.samples])).toEqual([
      [5, false, ['samples/step-5-0.png']],
      [10, true, ['samples/step-10-0.png', 'samples/sample-0.png']],
    ]);
  });
});

describe('ai-toolkit console lines', () => {
  const name = 'andie_flux_lora';
  it('reads the training bar: step, total, ETA, lr, loss; ignores other bars', () => {
    expect(
      parseAiToolkitLine(`${name}:  12%|█▏  | 250/2000 [05:10<36:12,  1.24s/it, lr: 1.0e-04 loss: 3.412e-01]`, name),
    ).toEqual({ step: 250, totalSteps: 2000, etaSeconds: 36 * 60 + 12, learningRate: 1e-4, loss: 0.3412 });
    expect(parseAiToolkitLine('Generating Images:  50%|█████     | 1/2 [00:03<00:03,  3.10s/it]', name)).toBe(
      undefined,
    );
    expect(parseAiToolkitLine(`${name}:   0%|          | 0/2000 [00:00<?, ?it/s]`, name)).toBe(undefined);
  });

  it('splits on \\r as tqdm redraws, keeps the last state and the loss per step', () => {
    const text = [1, 2, 3]
      .map(
        (step) =>
          `\r${name}:  ${step}%|  | ${step}/10 [00:0${step}<00:1${step}, 1.00s/it, lr: 1.0e-04 loss: 0.${step}00e+00]`,
      )
      .join('');
    expect(lastAiToolkitProgress(`# Running job: ${name}\n${text}\nSaving at step 3\n`, name)).toMatchObject({
      step: 3,
      totalSteps: 10,
      loss: 0.3,
    });
    expect(aiToolkitLossPoints(text, name)).toEqual([
      { step: 1, loss: 0.1 },
      { step: 2, loss: 0.2 },
      { step: 3, loss: 0.3 },
    ]);
  });
});

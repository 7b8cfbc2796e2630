import type { RunpodGpuType } from '../runpod/runpod-types.js';

function gpu(
  id: string,
  name: string,
  memory: number,
  secure: number,
  community: number,
  availability: RunpodGpuType['availability'],
): RunpodGpuType {
  return {
    id,
    name,
    pool: null,
    manufacturer: 'NVIDIA',
    memory,
    secure: true,
    community: true,
    price: { secure, community },
    maxCount: { secure: 8, community: 4 },
    availability,
  };
}

/** The RunPod sandbox's GPU catalog (sandbox prices, not RunPod's current list). */
export function sandboxGpuCatalog(): RunpodGpuType[] {
  return [
    gpu('NVIDIA GeForce RTX 3090', 'RTX 3090', 24, 0.46, 0.22, 'NONE'),
    gpu('NVIDIA GeForce RTX 4090', 'RTX 4090', 24, 0.69, 0.34, 'HIGH'),
    gpu('NVIDIA RTX A5000', 'RTX A5000', 24, 0.27, 0.16, 'LOW'),
    gpu('NVIDIA L40S', 'L40S', 48, 0.86, 0.79, 'MEDIUM'),
    gpu('NVIDIA A100 80GB PCIe', 'A100 PCIe', 80, 1.64, 1.19, 'HIGH'),
    gpu('NVIDIA RTX A4000', 'RTX A4000', 16, 0.25, 0.17, 'HIGH'),
  ];
}

import type { RunpodCloud, RunpodGpuType } from './runpod-types.js';

/** Which GPUs a training pod may use. */
export interface GpuPreferences {
  /**
   * GPU type ids to use, in order of preference (e.g. `NVIDIA GeForce RTX 4090`). When omitted, every type with
   * enough memory is a candidate, cheapest first.
   */
  ids?: string[];
  /**
   * Least VRAM in GB. FLUX LoRAs with int8 quantisation need 24 GB; SDXL 16; SD 1.5 12.
   * @default 24
   */
  minMemoryGb?: number;
  /**
   * Cloud tier.
   * @default 'SECURE'
   */
  cloud?: RunpodCloud;
  /** Most USD per GPU-hour to pay; dearer types are never chosen. */
  maxPricePerHour?: number;
  /**
   * GPUs per pod.
   * @default 1
   */
  count?: number;
}

/** A GPU type that fits, with its price for the pod. */
export interface GpuCandidate {
  id: string;
  name: string;
  memoryGb: number;
  /** USD per hour for the pod (price per GPU times count). */
  costPerHourUsd: number;
  availability: string;
}

const availabilityRank: Record<string, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

/**
 * Orders the catalog's GPU types for a pod: only types offered in the cloud, with enough memory, in stock
 * (availability not `NONE`) and within the price cap; preferred ids first in the given order, then cheapest first
 * (better availability breaks ties). Create calls try candidates in this order (stock can change in between).
 */
export function selectGpuCandidates(
  catalog: readonly RunpodGpuType[],
  preferences: GpuPreferences = {},
): GpuCandidate[] {
  const cloud = preferences.cloud ?? 'SECURE';
  const count = preferences.count ?? 1;
  const minMemory = preferences.minMemoryGb ?? 24;
  const fits = catalog.filter((gpu) => {
    const offered = cloud === 'SECURE' ? gpu.secure : gpu.community;
    const price = cloud === 'SECURE' ? gpu.price.secure : gpu.price.community;
    const maxCount = cloud === 'SECURE' ? gpu.maxCount.secure : gpu.maxCount.community;
    if (!offered || gpu.memory < minMemory || maxCount < count || gpu.availability === 'NONE') return false;
    if (preferences.ids && !preferences.ids.includes(gpu.id)) return false;
    return preferences.maxPricePerHour === undefined || price <= preferences.maxPricePerHour;
  });
  const rank = (gpu: RunpodGpuType) => (preferences.ids ? preferences.ids.indexOf(gpu.id) : 0);
  const price = (gpu: RunpodGpuType) => (cloud === 'SECURE' ? gpu.price.secure : gpu.price.community);
  fits.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      price(a) - price(b) ||
      (availabilityRank[a.availability ?? 'LOW'] ?? 3) - (availabilityRank[b.availability ?? 'LOW'] ?? 3),
  );
  return fits.map((gpu) => ({
    id: gpu.id,
    name: gpu.name,
    memoryGb: gpu.memory,
    costPerHourUsd: Math.round(price(gpu) * count * 10_000) / 10_000,
    availability: gpu.availability ?? 'unknown',
  }));
}

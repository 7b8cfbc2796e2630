import { ValidationError } from '@model-studio/core';

/** One tensor's entry in a safetensors header. */
export interface SafetensorsTensorInfo {
  /** Element type, e.g. `F16`, `BF16`, `F32`. */
  dtype: string;
  /** Tensor shape. */
  shape: number[];
  /** Byte range `[begin, end)` in the data section (after the header). */
  data_offsets: [number, number];
}

/** A parsed safetensors header. */
export interface SafetensorsHeader {
  /** Free-form string metadata (`__metadata__`). */
  metadata: Record<string, string>;
  /** Tensors by name. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** Length of the JSON header in bytes (without the 8-byte length prefix). */
  headerLength: number;
}

/** Bytes per element for the dtypes LoRA files use. */
export const dtypeBytes: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** Largest header the reader accepts (the reference implementation's limit). */
const maxHeaderLength = 100_000_000;

function refuse(message: string): never {
  throw new ValidationError(
    `Not a valid .safetensors file: ${message}. Check that the download finished and that the file is a LoRA.`,
    {
      field: 'safetensors',
    },
  );
}

function checkTensor(name: string, value: unknown, dataLength: number): SafetensorsTensorInfo {
  const info = value as Partial<SafetensorsTensorInfo> | null;
  if (!info || typeof info.dtype !== 'string' || !Array.isArray(info.shape) || !Array.isArray(info.data_offsets)) {
    refuse(`tensor "${name}" lacks dtype, shape or data_offsets`);
  }
  const [begin, end] = info.data_offsets;
  if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin || end > dataLength) {
    refuse(`tensor "${name}" points outside the data section`);
  }
  const width = dtypeBytes[info.dtype];
  const elements = info.shape.reduce((product: number, size: number) => product * size, 1);
  if (width !== undefined && elements * width !== end - begin) {
    refuse(`tensor "${name}" has ${end - begin} bytes but its shape needs ${elements * width}`);
  }
  return { dtype: info.dtype, shape: info.shape, data_offsets: [begin, end] };
}

/**
 * Reads and checks the header of a `.safetensors` file: the 8-byte little-endian length, the JSON header, and that every
 * tensor's byte range lies in the data section and matches its shape.
 *
 * @throws ValidationError when the bytes are not a valid safetensors file.
 */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (bytes.byteLength < 8) refuse('shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (length < 2 || length > maxHeaderLength || 8 + length > bytes.byteLength) {
    refuse(`header length ${length} does not fit the ${bytes.byteLength}-byte file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
  } catch {
    refuse('the header is not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) refuse('the header is not a JSON object');
  const dataLength = bytes.byteLength - 8 - length;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      for (const [key, text] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (typeof text !== 'string') refuse(`metadata "${key}" is not a string`);
        metadata[key] = text;
      }
      continue;
    }
    tensors[name] = checkTensor(name, value, dataLength);
  }
  return { metadata, tensors, headerLength: length };
}

/** A tensor to write: name, dtype, shape (the bytes are zero-filled). */
export interface SafetensorsTensorSpec {
  name: string;
  dtype: string;
  shape: number[];
}

/**
 * Encodes a safetensors header for `tensors` laid out one after the other (in the given order), padded with spaces to
 * an 8-byte boundary as the format recommends. Returns the header bytes (length prefix included) and the data size.
 */
export function encodeSafetensorsHeader(
  tensors: readonly SafetensorsTensorSpec[],
  metadata: Record<string, string> = {},
): { header: Uint8Array; dataLength: number } {
  const json: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const width = dtypeBytes[tensor.dtype];
    if (width === undefined)
      throw new ValidationError(`Unknown safetensors dtype "${tensor.dtype}".`, { field: 'dtype' });
    const size = tensor.shape.reduce((product, n) => product * n, 1) * width;
    json[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let text = JSON.stringify(json);
  const encoder = new TextEncoder();
  let encoded = encoder.encode(text);
  const padding = (8 - (encoded.byteLength % 8)) % 8;
  if (padding > 0) {
    text += ' '.repeat(padding);
    encoded = encoder.encode(text);
  }
  const header = new Uint8Array(8 + encoded.byteLength);
  new DataView(header.buffer).setBigUint64(0, BigInt(encoded.byteLength), true);
  header.set(encoded, 8);
  return { header, dataLength: offset };
}

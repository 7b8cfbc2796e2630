import { defaultModelSettings, type ModelSettingsInput, modelSettingsSchema } from '@model-studio/core';
import { type Command, InvalidArgumentError, Option } from 'commander';

/** One flag of `studio models set`, made from a field of core's settings schema. */
export interface ModelSettingFlag {
  /** The flag, e.g. `--min-short-side`. */
  flag: string;
  /** Where commander keeps its value, e.g. `minShortSide`. */
  attribute: string;
  /** The field it sets, e.g. `['thresholds', 'minShortSide']` or `['prices', 'swap', 'units']`. */
  path: string[];
  kind: 'integer' | 'number' | 'word' | 'boolean';
  /** Help text: the field, what it takes and its default. */
  description: string;
}

/** What this file reads of a zod 4 schema (its public `def` and number bounds). */
interface SchemaNode {
  def: {
    type: string;
    innerType?: SchemaNode;
    shape?: Record<string, SchemaNode>;
    catchall?: SchemaNode;
    entries?: Record<string, string>;
  };
  isInt?: boolean;
  minValue?: number | null;
  maxValue?: number | null;
}

/** Wrappers that only say a value may be left out or has a default. */
const wrappers = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch']);

function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while (wrappers.has(current.def.type) && current.def.innerType) current = current.def.innerType;
  return current;
}

function kindOf(node: SchemaNode): ModelSettingFlag['kind'] | undefined {
  if (node.def.type === 'string' || node.def.type === 'enum') return 'word';
  if (node.def.type === 'boolean') return 'boolean';
  if (node.def.type === 'number') return node.isInt ? 'integer' : 'number';
  return undefined;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

function valueAt(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, name) => (value as Record<string, unknown> | undefined)?.[name], root);
}

function describeSetting(path: string[], kind: ModelSettingFlag['kind'], node: SchemaNode, defaults: unknown): string {
  const unbounded = (value: number | null | undefined) => value == null || !Number.isFinite(value) || value > 1e15;
  const min = unbounded(node.minValue) || (node.minValue ?? 0) < -1e15 ? undefined : node.minValue;
  const max = unbounded(node.maxValue) ? undefined : node.maxValue;
  const choices = node.def.entries ? Object.values(node.def.entries) : undefined;
  const what = choices
    ? `one of ${choices.join(', ')}`
    : kind === 'boolean'
      ? 'true or false'
      : kind === 'word'
        ? 'a word'
        : kind === 'integer'
          ? 'a whole number'
          : 'a number';
  const range =
    min != null && max != null
      ? ` from ${min} to ${max}`
      : min != null
        ? `, ${min} or more`
        : max != null
          ? `, at most ${max}`
          : '';
  const fallback = valueAt(defaults, path);
  const shown = fallback === undefined ? (path[0] === 'triggerWord' ? 'the model name' : 'none') : String(fallback);
  return `${path.join('.')}: ${what}${range} (default ${shown})`;
}

/**
 * The flags of `studio models set`, made from core's settings schema so that a setting added there gets its flag
 * with no change here: every word or number at the top level (`--trigger-word`, `--concurrency`), every one inside
 * a group (`thresholds.minShortSide` → `--min-short-side`), and the `units` of every named price (`prices.swap.units`
 * → `--swap-price`). Optional groups (budget, provider options) have no flag.
 */
export function modelSettingFlags(
  schema: unknown = modelSettingsSchema,
  defaults: unknown = defaultModelSettings,
): ModelSettingFlag[] {
  const found: { path: string[]; node: SchemaNode; kind: ModelSettingFlag['kind']; name: string }[] = [];
  for (const [name, raw] of Object.entries((schema as SchemaNode).def.shape ?? {})) {
    if (raw.def.type === 'optional') continue;
    const node = unwrap(raw);
    const kind = kindOf(node);
    if (kind) found.push({ path: [name], node, kind, name: kebab(name) });
    if (node.def.type !== 'object') continue;
    for (const [child, rawChild] of Object.entries(node.def.shape ?? {})) {
      const inner = unwrap(rawChild);
      const innerKind = kindOf(inner);
      if (innerKind) found.push({ path: [name, child], node: inner, kind: innerKind, name: kebab(child) });
      const units = inner.def.type === 'object' ? inner.def.shape?.units : undefined;
      const unitsKind = units ? kindOf(unwrap(units)) : undefined;
      if (units && unitsKind) {
        found.push({
          path: [name, child, 'units'],
          node: unwrap(units),
          kind: unitsKind,
          name: `${kebab(child)}-price`,
        });
      }
    }
  }
  const taken = new Map<string, number>();
  for (const entry of found) taken.set(entry.name, (taken.get(entry.name) ?? 0) + 1);
  return found.map(({ path, node, kind, name }) => {
    // Two fields with one name (in different groups) are told apart by their group: --thresholds-<name>.
    const unique = (taken.get(name) ?? 0) > 1 && path.length > 1 ? `${kebab(path[0]!)}-${name}` : name;
    return {
      flag: `--${unique}`,
      attribute: camel(unique),
      path,
      kind,
      description: describeSetting(path, kind, node, defaults),
    };
  });
}

function parserFor(kind: ModelSettingFlag['kind']): (value: string) => string | number {
  return (value) => {
    if (kind === 'word') return value;
    if (kind === 'boolean') {
      if (/^(true|yes|1|on)$/i.test(value)) return true as unknown as string;
      if (/^(false|no|0|off)$/i.test(value)) return false as unknown as string;
      throw new InvalidArgumentError('expected true or false.');
    }
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('expected a number.');
    if (kind === 'integer' && !Number.isInteger(parsed)) throw new InvalidArgumentError('expected a whole number.');
    return parsed;
  };
}

/** Adds the {@link modelSettingFlags} to `command` (`studio models set`). */
export function addModelSettingFlags(command: Command, flags = modelSettingFlags()): void {
  for (const setting of flags) {
    if (command.options.some((option) => option.long === setting.flag)) continue;
    const placeholder =
      setting.kind === 'word'
        ? '<word>'
        : setting.kind === 'boolean'
          ? '<true|false>'
          : setting.kind === 'integer'
            ? '<n>'
            : '<number>';
    command.addOption(
      new Option(`${setting.flag} ${placeholder}`, setting.description).argParser(parserFor(setting.kind)),
    );
  }
}

/** The settings patch for the flags given (values by commander attribute): only what was given, nested by field. */
export function settingsPatchFrom(values: Record<string, unknown>, flags = modelSettingFlags()): ModelSettingsInput {
  const patch: Record<string, unknown> = {};
  for (const setting of flags) {
    const value = values[setting.attribute];
    if (value === undefined) continue;
    let target = patch;
    for (const name of setting.path.slice(0, -1)) {
      target[name] ??= {};
      target = target[name] as Record<string, unknown>;
    }
    target[setting.path[setting.path.length - 1]!] = value;
  }
  return patch as ModelSettingsInput;
}

/** Each setting the patch changes, as `{ setting, from, to }` (dotted field name). */
export function settingChanges(
  before: unknown,
  after: unknown,
  patch: ModelSettingsInput,
  flags = modelSettingFlags(),
): { setting: string; from: unknown; to: unknown }[] {
  return flags
    .filter((setting) => valueAt(patch, setting.path) !== undefined)
    .map((setting) => ({
      setting: setting.path.join('.'),
      from: valueAt(before, setting.path),
      to: valueAt(after, setting.path),
    }));
}

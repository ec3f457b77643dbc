// Spec fields that set a server setting take their type, bounds, meaning and "Unset: the server default" sentence from
// the server's settings table (server/config/settings.ts, a leaf), so the CRD can neither drift from the server nor
// allow what the server refuses.
import { z } from 'zod';
import type {
  BooleanSetting,
  EnumSetting,
  IntegerSetting,
  SecondsSetting,
  SpecBinding,
} from '../../../server/config/settings.ts';
import { describe, withCelRules } from './schema-helpers.ts';

type NumberSetting = IntegerSetting | SecondsSetting;

const unsetSentence = (serverDefault: unknown) =>
  serverDefault === undefined ? '' : ` Unset: the server default, ${String(serverDefault)}.`;

/**
 * A number field with the setting's bounds (an integer for `integer` rows). `cel` adds a CEL rule whose message names
 * the field, for fields a person sets often (the schema's own min/max message does not say which field).
 */
export function numberSettingField(setting: NumberSetting, cel?: { field: string; unit: string }) {
  const { min, max } = setting;
  const base = (setting.kind === 'integer' ? z.int() : z.number()).min(min).max(max);
  const bounded = cel
    ? withCelRules(base, [
        {
          rule: `self >= ${min} && self <= ${max}`,
          message: `${cel.field} must be between ${min} and ${max} ${cel.unit}`,
          holds: (value) => value >= min && value <= max,
        },
      ])
    : base;
  return describe(bounded, `${setting.meaning} (${min}-${max}).${unsetSentence(setting.default)}`).optional();
}

/** A boolean field whose CRD default is the server's. */
export function booleanSettingField(setting: BooleanSetting & { default: boolean }) {
  return describe(z.boolean().default(setting.default), `${setting.meaning}. Default ${setting.default}.`);
}

/** The spec's enum values of a setting (the keys of its spec binding's `values`), in the table's order. */
export function specValues<const V extends Readonly<Record<string, string>>>(binding: {
  values: V;
}): [keyof V & string, ...(keyof V & string)[]] {
  return Object.keys(binding.values) as [keyof V & string, ...(keyof V & string)[]];
}

/** The spec value that stands for the server's default (e.g. `Library` for `library`). */
export function specDefault<const V extends Readonly<Record<string, string>>>(
  setting: EnumSetting & { spec: SpecBinding & { values: V } },
): (keyof V & string) | undefined {
  return Object.entries(setting.spec.values).find(([, env]) => env === setting.default)?.[0] as
    | (keyof V & string)
    | undefined;
}

/**
 * An optional enum field: the spec's values, described by the setting's meaning (or `description` when the CRD must
 * say more, e.g. which Secrets exist in which mode) and the server default in spec terms.
 */
export function enumSettingField<const V extends Readonly<Record<string, string>>>(
  setting: EnumSetting & { spec: SpecBinding & { values: V } },
  description = `${setting.meaning}.`,
) {
  return describe(
    z.enum(specValues(setting.spec)),
    `${description}${unsetSentence(specDefault(setting))}`,
  ).optional();
}

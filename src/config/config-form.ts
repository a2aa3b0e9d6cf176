// `config check` prints the resolved config so that it can be fed back in: durations and sizes written the way the
// config writes them (`2h`, `10m`), found by walking each value alongside the schema that parsed it.
import type { z } from 'zod';
import { formatDurationConfig, formatSizeConfig } from '../util/duration.js';
import { duration, longDuration, size } from './common.js';

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

const def = (schema: AnySchema): Def => schema._zod.def as unknown as Def;

/** The schema under optional/default/pipe wrappers, stopping at a duration or a size. */
function core(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    if (current === duration || current === longDuration || current === size) return current;
    const d = def(current);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'].includes(d.type)) {
      current = d.innerType as AnySchema;
    } else if (d.type === 'pipe') current = d.in as AnySchema;
    else if (d.type === 'lazy') current = (d.getter as () => AnySchema)();
    else return current;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` with every duration and size that `schema` parsed turned back into its config form. */
export function toConfigForm(value: unknown, schema: AnySchema): unknown {
  const s = core(schema);
  if (s === duration || s === longDuration) return typeof value === 'number' ? formatDurationConfig(value) : value;
  if (s === size) return typeof value === 'number' ? formatSizeConfig(value) : value;
  const d = def(s);
  if (d.type === 'array' && Array.isArray(value)) return value.map((item) => toConfigForm(item, d.element as AnySchema));
  if (d.type === 'object' && isPlainObject(value)) {
    const shape = d.shape as Record<string, AnySchema>;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, key in shape ? toConfigForm(item, shape[key]!) : item]),
    );
  }
  if (d.type === 'record' && isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, toConfigForm(item, d.valueType as AnySchema)]));
  }
  if (d.type === 'union') {
    // The option that can hold every key of the value (object unions), else the first that changes nothing.
    const options = d.options as AnySchema[];
    const fitting = options.find((o) => {
      const od = def(core(o));
      return od.type === 'object' && isPlainObject(value) && Object.keys(value).every((k) => k in (od.shape as object));
    });
    if (fitting) return toConfigForm(value, fitting);
  }
  return value;
}

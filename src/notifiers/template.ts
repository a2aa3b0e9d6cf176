// Templates: text with `{placeholder}` fields (`{{` and `}}` for literal braces). Rendering escapes every
// interpolated value for where it goes (Telegram HTML, MarkdownV2...); the template's own text is left as written.
import { PLACEHOLDERS } from './placeholders.js';

const TOKEN_RE = /\{\{|\}\}|\{([A-Za-z0-9_]+)\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

export type Values = Readonly<Record<string, string>>;

/** The placeholder names in a template that do not exist (a config error). */
export function unknownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(TOKEN_RE)) {
    const name = match[1];
    if (name !== undefined && !KNOWN.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** Fills a text template; `escapeValue` is applied to every value, `escapeLiteral` to the template's own text. */
export function renderText(
  text: string,
  values: Values,
  escapeValue: (s: string) => string = (s) => s,
  escapeLiteral: (s: string) => string = (s) => s,
): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(TOKEN_RE)) {
    out += escapeLiteral(text.slice(last, match.index));
    const name = match[1];
    if (name === undefined) out += escapeLiteral(match[0][0]!);
    else out += KNOWN.has(name) ? escapeValue(values[name] ?? '') : escapeLiteral(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapeLiteral(text.slice(last));
}

/** Fills every string of a JSON template (keys and non-string values stay as written). */
export function renderJson(template: unknown, values: Values): unknown {
  if (typeof template === 'string') return renderText(template, values);
  if (Array.isArray(template)) return template.map((item) => renderJson(item, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, item]) => [key, renderJson(item, values)]));
  }
  return template;
}

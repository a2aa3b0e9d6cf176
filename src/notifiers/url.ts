// URL checks and rewrites the notifiers share: http(s) only, credentials moved out of the URL into a header.
import * as z from 'zod';

/** An http:// or https:// URL (the message never repeats the value: URLs here are secrets). */
export const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');

/** The URL without `user:password@`, and the Basic authorization those credentials stand for. */
export function splitCredentials(value: string): { url: string; authorization: string | null } {
  const url = new URL(value);
  if (url.username === '' && url.password === '') return { url: value, authorization: null };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** The URL with a suffix appended to its path (`/start`, `/fail`), its query kept. */
export function withPathSuffix(value: string, suffix: string): string {
  if (suffix === '') return value;
  if (!/[?#]/.test(value)) return `${value.replace(/\/+$/, '')}${suffix}`;
  const url = new URL(value);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${suffix}`;
  return url.toString();
}

// What the app tells people when something goes wrong, and the plain-language
// sentences of run certificates and warnings: pure functions, unit tested.
import { ApiError } from './api';
import { waitFor } from './format';

/** errorText is an error as a sentence for people: the server's message, never an HTTP code. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const t = m.trim() || 'Something went wrong.';
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : s + '.';
}

/** loginErrorText explains a failed sign-in: wrong credentials, or how long to wait after too many attempts. */
export function loginErrorText(e: unknown): string {
  if (e instanceof ApiError && e.status === 401) return 'Wrong name or password.';
  if (e instanceof ApiError && e.status === 429) {
    return e.retryAfter !== null
      ? `Too many sign-in attempts. Try again in ${waitFor(e.retryAfter)}.`
      : 'Too many sign-in attempts. Wait a minute and try again.';
  }
  return errorText(e);
}

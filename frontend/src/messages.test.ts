import { describe, it, expect } from 'vitest';
import { ApiError, statusMessage, retryAfterSeconds } from './api';
import { errorText, loginErrorText } from './messages';

describe('error messages for people (issue 12, case 14)', () => {
  it('shows the server message without the HTTP code', () => {
    expect(errorText(new ApiError(409, 'conflict', 'scenario 3 must be approved before it is published'))).toBe('Scenario 3 must be approved before it is published.');
    expect(errorText(new ApiError(500, 'http_500', statusMessage(500)))).not.toMatch(/\b500\b|HTTP/);
    for (const code of [0, 400, 401, 403, 404, 409, 413, 429, 500, 502]) expect(statusMessage(code)).not.toMatch(/\d{3}|HTTP/);
  });
  it('says how long to wait after too many sign-in attempts', () => {
    expect(loginErrorText(new ApiError(429, 'rate_limited', 'too many', 12))).toBe('Too many sign-in attempts. Try again in 12 seconds.');
    expect(loginErrorText(new ApiError(429, 'rate_limited', 'too many', null))).toMatch(/wait a minute/i);
    expect(loginErrorText(new ApiError(401, 'unauthorized', 'wrong name or password'))).toBe('Wrong name or password.');
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 0)).toBe(10);
  });
});

// The typed API client. Types come from generated/schema.d.ts, which
// `npm run types` generates from the committed snapshot api/openapi.json
// (a Rust test fails when that snapshot no longer matches the server).

import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/schema';

export type Schemas = components['schemas'];
export type Report = Schemas['Report'];
export type AuditItem = Schemas['AuditItem'];
export type SignedIn = Schemas['SignedIn'];

/// Same-origin requests with the session cookie; the server checks Origin.
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

/// The message of an API error body ({"error": "..."}), or a generic one.
export function message(error: unknown, fallback = 'request failed'): string {
  if (error && typeof error === 'object' && 'error' in error && typeof error.error === 'string') return error.error;
  return fallback;
}

/// Thrown for an answer that is not 2xx, carrying the server's explanation.
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super(text);
  }
}

/// Unwraps an openapi-fetch result, throwing ApiFailure on an error answer.
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    if (result.response.ok && result.error === undefined) return undefined as T;
    throw new ApiFailure(result.response.status, message(result.error, `${result.response.status} ${result.response.statusText}`));
  }
  return result.data;
}

import type { Context } from 'hono';
import { inputError } from '../core/errors.ts';
import type { PageRequest } from '../ports/store.ts';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/** `limit` (1…1000) and `continuationToken` from the query string. */
export function pageRequest(c: Context): PageRequest {
  const rawLimit = c.req.query('limit');
  let limit = DEFAULT_PAGE_SIZE;
  if (rawLimit !== undefined) {
    if (!/^\d{1,7}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_PAGE_SIZE) {
      throw inputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    limit = Number(rawLimit);
  }
  const continuationToken = c.req.query('continuationToken');
  if (
    continuationToken !== undefined &&
    (continuationToken.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(continuationToken))
  ) {
    throw inputError('continuationToken is not one this service issued');
  }
  return { limit, continuationToken };
}

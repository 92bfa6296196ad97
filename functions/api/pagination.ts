import type { Context } from 'hono';
import { inputError } from '../core/errors.ts';
import type { PageRequest } from '../ports/store.ts';
import {
  continuationTokenQuerySchema,
  DEFAULT_PAGE_SIZE,
  limitQuerySchema,
  MAX_PAGE_SIZE,
} from './schemas.ts';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

/** `limit` (1…1000) and `continuationToken` from the query string, checked with the API's schemas. */
export function pageRequest(c: Context): PageRequest {
  const rawLimit = c.req.query('limit');
  let limit = DEFAULT_PAGE_SIZE;
  if (rawLimit !== undefined) {
    const parsed = limitQuerySchema.safeParse(/^\d{1,7}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN);
    if (!parsed.success) throw inputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    limit = parsed.data;
  }
  const continuationToken = c.req.query('continuationToken');
  if (continuationToken !== undefined && !continuationTokenQuerySchema.safeParse(continuationToken).success) {
    throw inputError('continuationToken is not one this service issued');
  }
  return { limit, continuationToken };
}

import { endpoint } from '../endpoint.ts';
import { matchEventInputSchema, matchEventResponseSchema } from '../schemas.ts';

/** Events: which hooks' bindings an event matches, without firing anything. */

export const matchEvent = endpoint({
  name: 'matchEvent',
  method: 'post',
  path: '/events/match',
  summary: "Which hooks' bindings an event matches, and by which pattern (nothing fires)",
  tag: 'hooks',
  // hooks the caller may not read (GET /hooks/{g}/{h}) are left out of the answer
  auth: { scope: 'hooks:list-hooks:', filter: 'hooks:get:<hookGroupId>:<hookId>' },
  body: {
    schema: matchEventInputSchema,
    what: 'event match request',
    invalid: ({ path, message }) => `${path || 'body'}: ${message} (expected {"event": {…}})`,
  },
  response: { schema: matchEventResponseSchema },
});

import { endpoint } from '../endpoint.ts';
import { openApiResponseSchema, pingResponseSchema, schedulePreviewResponseSchema } from '../schemas.ts';
import { schedulePreviewInputs } from './inputs.ts';

/** The service's own endpoints: liveness, this API's description, and the schedule preview. */

export const ping = endpoint({
  name: 'ping',
  method: 'get',
  path: '/ping',
  summary: 'Is the service alive',
  tag: 'service',
  auth: { public: 'a liveness check, for load balancers and monitors' },
  response: { schema: pingResponseSchema },
});

export const openApi = endpoint({
  name: 'openApi',
  method: 'get',
  path: '/openapi.json',
  summary: 'This OpenAPI 3.1 document (no authentication)',
  tag: 'service',
  auth: { public: 'the description of this API, for clients and generators' },
  response: { schema: openApiResponseSchema },
});

export const schedulePreview = endpoint({
  name: 'schedulePreview',
  method: 'get',
  path: '/schedule-preview',
  summary: 'The next fire times of a schedule expression (no hook needed)',
  tag: 'service',
  auth: { public: 'pure computation over the query: no hook is read' },
  query: schedulePreviewInputs,
  response: { schema: schedulePreviewResponseSchema },
});

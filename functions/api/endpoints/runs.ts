import { endpoint } from '../endpoint.ts';
import {
  artifactFileResponseSchema,
  listArtifactsResponseSchema,
  listRunsResponseSchema,
  runEventsResponseSchema,
  runEventsTicketResponseSchema,
  runStatusResponseSchema,
  stepOutputResponseSchema,
  triggerResponseSchema,
} from '../schemas.ts';
import {
  artifactParam,
  hookPath,
  lastEventIdHeader,
  outputOffsetsQuery,
  pageQuery,
  recentRunsFilterQuery,
  runEventsTicketQuery,
  runIdParam,
  stepIndexParam,
} from './inputs.ts';

/**
 * Hookline's run endpoints. A run's scopes name its hook, which the path does not: the handler reads
 * the run and supplies `<hookGroupId>` and `<hookId>` (functions/api/route.ts `authorize`).
 */

const runPath = { runId: runIdParam };

export const listRecentRuns = endpoint({
  name: 'listRecentRuns',
  method: 'get',
  path: '/runs',
  summary: 'Runs across hooks, newest first; only runs of hooks the caller may read (hooks:get-run)',
  tag: 'runs',
  auth: { filter: 'hooks:get-run:<hookGroupId>/<hookId>' },
  query: { ...recentRunsFilterQuery, ...pageQuery },
  response: { schema: listRunsResponseSchema },
});

export const listRuns = endpoint({
  name: 'listRuns',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}/runs',
  summary: "The hook's runs, newest first",
  tag: 'runs',
  auth: { scope: 'hooks:get-run:<hookGroupId>/<hookId>' },
  params: hookPath,
  query: pageQuery,
  response: { schema: listRunsResponseSchema },
  errors: [404],
});

export const run = endpoint({
  name: 'run',
  method: 'get',
  path: '/runs/{runId}',
  summary: 'A run with its steps',
  tag: 'runs',
  auth: { scope: 'hooks:get-run:<hookGroupId>/<hookId>' },
  params: runPath,
  response: { schema: runStatusResponseSchema },
  errors: [404],
});

export const stepOutput = endpoint({
  name: 'stepOutput',
  method: 'get',
  path: '/runs/{runId}/steps/{index}/output',
  summary: "A step's kept stdout, stderr and body from the given offsets (while it runs too)",
  tag: 'runs',
  auth: { scope: 'hooks:get-run:<hookGroupId>/<hookId>' },
  params: { ...runPath, index: stepIndexParam },
  query: outputOffsetsQuery,
  response: { schema: stepOutputResponseSchema },
  errors: [404],
});

export const runEvents = endpoint({
  name: 'runEvents',
  method: 'get',
  path: '/runs/{runId}/events',
  summary: 'Server-Sent Events of a run: run, step and output events, resumable with Last-Event-ID',
  tag: 'runs',
  // a browser's EventSource cannot send an Authorization header: a ticket opens the stream instead
  auth: { scope: 'hooks:get-run:<hookGroupId>/<hookId>', ticket: 'token' },
  params: runPath,
  query: { token: runEventsTicketQuery },
  headers: { lastEventId: lastEventIdHeader },
  response: { schema: runEventsResponseSchema, contentType: 'text/event-stream' },
  errors: [404],
});

export const runEventsTicket = endpoint({
  name: 'runEventsTicket',
  method: 'post',
  path: '/runs/{runId}/events/ticket',
  summary: "A ticket (about 60 s) that opens this run's events without an Authorization header",
  tag: 'runs',
  auth: { scope: 'hooks:get-run:<hookGroupId>/<hookId>' },
  params: runPath,
  response: { schema: runEventsTicketResponseSchema },
  errors: [404],
});

export const listArtifacts = endpoint({
  name: 'listArtifacts',
  method: 'get',
  path: '/runs/{runId}/artifacts',
  summary: "The run's kept artifacts: name, step, size, SHA-256, content type, expiry (hooks:get-artifact)",
  tag: 'runs',
  auth: { scope: 'hooks:get-artifact:<hookGroupId>/<hookId>' },
  params: runPath,
  response: { schema: listArtifactsResponseSchema },
  errors: [404],
});

export const getArtifact = endpoint({
  name: 'getArtifact',
  method: 'get',
  path: '/runs/{runId}/artifacts/{artifact}',
  summary: 'One artifact of the run, as a download (hooks:get-artifact)',
  tag: 'runs',
  auth: { scope: 'hooks:get-artifact:<hookGroupId>/<hookId>' },
  params: { ...runPath, artifact: artifactParam },
  response: { schema: artifactFileResponseSchema, contentType: 'application/octet-stream' },
  errors: [404],
});

export const cancelRun = endpoint({
  name: 'cancelRun',
  method: 'post',
  path: '/runs/{runId}/cancel',
  summary: 'Cancel a run (runOnFailure post-hooks still run)',
  tag: 'runs',
  auth: { scope: 'hooks:cancel-run:<hookGroupId>/<hookId>' },
  params: runPath,
  response: { schema: runStatusResponseSchema },
  errors: [404, 409],
});

export const rerun = endpoint({
  name: 'rerun',
  method: 'post',
  path: '/runs/{runId}/rerun',
  summary: 'Fire the same rendered job again as a new run (firedBy: rerun)',
  tag: 'runs',
  auth: { scope: 'hooks:trigger-hook:<hookGroupId>/<hookId>' },
  params: runPath,
  response: { schema: triggerResponseSchema },
  errors: [404],
});

/**
 * The API's shapes, taken from the server's zod schemas (functions/api/schemas.ts) and types — never
 * copied by hand. Type-only imports: nothing of the server reaches the browser bundle.
 */
import type * as z from 'zod';
import type {
  clientResponseSchema,
  clientWithTokenResponseSchema,
  errorResponseSchema,
  historyResponseSchema,
  hookDefinitionSchema,
  hookStatusResponseSchema,
  hookTypeResponseSchema,
  lastFiresResponseSchema,
  listArtifactsResponseSchema,
  listClientsResponseSchema,
  listHookGroupsResponseSchema,
  listHooksResponseSchema,
  listHookTypesResponseSchema,
  listRunsResponseSchema,
  matchEventResponseSchema,
  renderResponseSchema,
  runEventsTicketResponseSchema,
  runStatusResponseSchema,
  schedulePreviewResponseSchema,
  stepOutputResponseSchema,
  triggerResponseSchema,
} from '../../../functions/api/schemas.ts';
import type { DashboardConfig } from '../../../functions/api/routes/dashboard.ts';
import type { RunEvent } from '../../../functions/app/runEvents.ts';
import type { getStepOutput } from '../../../functions/app/runQueries.ts';
import type { RunResult, StepStatus, RunStatus } from '../../../functions/core/runModel.ts';
import type { FiredBy } from '../../../functions/core/runStates.ts';

export type { DashboardConfig, FiredBy, RunResult, RunStatus, StepStatus };

export type ApiErrorBody = z.infer<typeof errorResponseSchema>;
export type HookDefinition = z.infer<typeof hookDefinitionSchema>;
export type HookGroups = z.infer<typeof listHookGroupsResponseSchema>;
export type HookList = z.infer<typeof listHooksResponseSchema>;
/** GET /hooks/{g}/{h}/status (its lastFire carries the last run's `runState`/`runResult`). */
export type HookStatus = z.infer<typeof hookStatusResponseSchema>;
export type LastFires = z.infer<typeof lastFiresResponseSchema>;
export type LastFire = LastFires['lastFires'][number];
export type History = z.infer<typeof historyResponseSchema>;
export type RunList = z.infer<typeof listRunsResponseSchema>;
export type RunSummary = RunList['runs'][number];
export type RunView = z.infer<typeof runStatusResponseSchema>;
export type StepView = RunView['steps'][number];
export type Phase = StepView['phase'];
export type StepOutput = z.infer<typeof stepOutputResponseSchema>;
/** GET /runs/{runId}/artifacts */
export type ArtifactList = z.infer<typeof listArtifactsResponseSchema>;
export type Artifact = ArtifactList['artifacts'][number];
export type TriggerResult = z.infer<typeof triggerResponseSchema>;
export type Client = z.infer<typeof clientResponseSchema>;
export type ClientWithToken = z.infer<typeof clientWithTokenResponseSchema>;
export type ClientList = z.infer<typeof listClientsResponseSchema>;
export type HookType = z.infer<typeof hookTypeResponseSchema>;
export type HookTypeList = z.infer<typeof listHookTypesResponseSchema>;
export type SchedulePreview = z.infer<typeof schedulePreviewResponseSchema>;
export type EventMatches = z.infer<typeof matchEventResponseSchema>;

/** The live output endpoint (its offsets, and whether the step is done). */
export type LiveStepOutput = Awaited<ReturnType<typeof getStepOutput>>;
/** The run event stream's `output` event. */
export type OutputEvent = Extract<RunEvent, { event: 'output' }>['data'];
export type EventTicket = z.infer<typeof runEventsTicketResponseSchema>;
/** POST /hooks/{g}/{h}/render and POST /render. */
export type RenderResult = z.infer<typeof renderResponseSchema>;

import * as z from 'zod';

/** How a run was fired: the paths into a hook (README.md, "Firing a hook"). */
export const firedBySchema = z.enum(['schedule', 'triggerHook', 'triggerHookWithToken', 'event', 'rerun']);
export type FiredBy = z.infer<typeof firedBySchema>;

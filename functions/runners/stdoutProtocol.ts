import type { StepError } from '../core/runModel.ts';
import type { ConfigChange } from '../ports/stepActions.ts';

/** Reads Razor's JSON protocol from a step's stdout: `hook.config.update/remove`, `output`, `error`. */
export function readStdoutProtocol(stdout: string): {
  configChange?: ConfigChange;
  data?: unknown;
  error?: StepError;
} {
  const text = stdout.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const doc = parsed as Record<string, unknown>;
  const out: { configChange?: ConfigChange; data?: unknown; error?: StepError } = {};
  const config = (doc.hook as { config?: Record<string, unknown> } | undefined)?.config;
  if (config && typeof config === 'object') {
    const change: ConfigChange = {};
    if (config.update && typeof config.update === 'object' && !Array.isArray(config.update)) {
      change.update = config.update as Record<string, unknown>;
    }
    if (Array.isArray(config.remove))
      change.remove = config.remove.filter((k): k is string => typeof k === 'string');
    if (change.update || change.remove) out.configChange = change;
  }
  if ('output' in doc) out.data = doc.output;
  if (doc.error && typeof doc.error === 'object' && typeof (doc.error as StepError).message === 'string') {
    out.error = doc.error as StepError;
  } else if (typeof doc.error === 'string') {
    out.error = { message: doc.error };
  }
  return out;
}

import { parseScheduleExpression } from './grammar.ts';

/**
 * The canonical form stored for an expression: whitespace collapsed, names upper-cased, Taskcluster's
 * 6-field form reduced to 5 fields. An invalid expression is returned trimmed (validate it first).
 */
export function normaliseScheduleExpression(expr: string): string {
  const parsed = parseScheduleExpression(expr);
  return parsed.ok ? parsed.schedule.expression : expr.trim();
}

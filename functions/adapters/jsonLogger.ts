import type { Logger } from '../ports/logger.ts';

/** One JSON object per line on stdout/stderr (CloudWatch Logs parses it; `jq` reads it locally). */
export function jsonLogger(base: Record<string, unknown> = {}, options: { quiet?: boolean } = {}): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level === 'info') return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields });
    (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/** A logger that keeps lines in memory (tests, embedding). */
export function memoryLogger(): Logger & {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

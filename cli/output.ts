/**
 * How the command speaks: JSON for scripts (`--json`), tables and colour for people. Colour only on a
 * terminal and never with `NO_COLOR` (https://no-color.org) or `--no-color`.
 */
export interface Output {
  json: boolean;
  color: boolean;
  /** stdout is a terminal (live redraws). */
  tty: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function createOutput(options: { json?: boolean; color?: boolean }): Output {
  const tty = Boolean(process.stdout.isTTY);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    json: Boolean(options.json),
    color: tty && !noColor && options.color !== false,
    tty,
    out: (text) => {
      process.stdout.write(text);
    },
    err: (text) => {
      process.stderr.write(text);
    },
  };
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(output: Output, colour: Colour, text: string): string {
  return output.color ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}

/** The colour of a run/step status or result word. */
export function statusColour(word: string | null | undefined): Colour {
  switch (word) {
    case 'succeeded':
    case 'success':
    case 'completed':
      return 'green';
    case 'succeeded_with_warnings':
    case 'skipped':
    case 'queued':
    case 'pending':
    case 'declined':
      return 'yellow';
    case 'failed':
    case 'error':
    case 'timed_out':
    case 'cancelled':
      return 'red';
    case 'running':
      return 'cyan';
    default:
      return 'gray';
  }
}

export function printJson(output: Output, value: unknown): void {
  output.out(`${JSON.stringify(value, null, 2)}\n`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what it strips
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
export const visibleLength = (text: string) => text.replace(ANSI, '').length;

export interface Column<T> {
  header: string;
  value(row: T): string;
  colour?(row: T): Colour | undefined;
}

/** A plain-text table: a header, one line a row, columns padded to their widest cell. */
export function table<T>(output: Output, rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => visibleLength(row[i] ?? ''))),
  );
  const line = (values: string[], colours: Array<Colour | undefined>) =>
    values
      .map((value, i) => {
        const padded = i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0);
        const colour = colours[i];
        return colour ? paint(output, colour, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const header = line(
    columns.map((c) => c.header),
    columns.map(() => 'bold' as const),
  );
  const body = cells.map((values, r) =>
    line(
      values,
      columns.map((column) => column.colour?.(rows[r] as T)),
    ),
  );
  return `${[header, ...body].join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

/** `1.2 s`, `350 ms`, `3 min 4 s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** An ISO time shown shorter: `2026-11-29 13:50:00Z`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

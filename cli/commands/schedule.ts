import type { Command } from 'commander';
import { action } from '../context.ts';
import { UsageError } from '../errors.ts';
import { formatTime, printJson } from '../output.ts';

/** `hookline schedule preview EXPR`: the next fire times of a schedule expression (GET /schedule-preview). */
export function registerScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('check schedule expressions');
  schedule
    .command('preview')
    .description('the next times EXPR fires (AWS cron/rate/at, Unix 5-field cron, 6-field cron)')
    .argument('<expression>', "e.g. '0 2 * * *' or 'cron(0 2 * * ? *)' or 'rate(15 minutes)'")
    .option('--tz <zone>', 'IANA time zone the expression is read in (default UTC)')
    .option('-n, --count <n>', 'how many times (1-100, default 5)')
    .option('--from <time>', 'times after this ISO time (default now)')
    .action(
      action<{ tz?: string; count?: string; from?: string }>(
        async ([expression], { api, output, options }) => {
          if (options.count !== undefined && !/^\d{1,3}$/.test(options.count))
            throw new UsageError(`-n must be a whole number from 1 to 100, not "${options.count}"`);
          const preview = await api().get<{
            expression: string;
            canonicalExpression?: string;
            timezone: string;
            times: string[];
          }>('/schedule-preview', {
            expression,
            timezone: options.tz,
            count: options.count,
            from: options.from,
          });
          if (output.json) return printJson(output, preview);
          const canonical = preview.canonicalExpression ?? preview.expression;
          output.out(
            `${expression}${canonical !== expression ? ` (${canonical})` : ''} in ${preview.timezone}:\n`,
          );
          for (const time of preview.times) {
            const local =
              preview.timezone === 'UTC'
                ? ''
                : `  (${new Date(time).toLocaleString('sv-SE', { timeZone: preview.timezone })} ${preview.timezone})`;
            output.out(`  ${formatTime(time)}${local}\n`);
          }
        },
      ),
    );
}

import type { ChildProcess } from 'node:child_process';

/**
 * The URL a `hookline` process started with `npm start`'s entry (infra/local/main.ts) announces in its
 * "hookline listening" log line on stdout. Every stdout line read meanwhile is pushed to `stdoutLines`
 * (when given); the promise fails with `log()` when the process exits first or after `timeoutMs`.
 */
export function listeningUrl(
  child: ChildProcess,
  options: { timeoutMs: number; log: () => string; stdoutLines?: string[] },
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line: ${options.log()}`)),
      options.timeoutMs,
    );
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) {
        options.stdoutLines?.push(line);
        if (line.includes('"hookline listening"')) {
          clearTimeout(timer);
          resolve(JSON.parse(line).url as string);
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code ?? signal}: ${options.log()}`));
    });
  });
}

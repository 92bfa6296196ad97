import { parseArgs } from 'node:util';
import { createLocalStack } from './localStack.ts';

/** `npm start`: boots the local stack and runs until Ctrl-C. */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: false,
});

if (values.help) {
  process.stdout.write(`Usage: npm start -- [--port N] [--host ADDR] [--data-dir DIR]

  --port      HTTP port (default 8080, or HOOKLINE_PORT)
  --host      address to bind (default 127.0.0.1, or HOOKLINE_HOST)
  --data-dir  where data is kept (default .hookline/, or HOOKLINE_DATA_DIR)
`);
  process.exit(0);
}

const portText = values.port ?? process.env.HOOKLINE_PORT ?? '8080';
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
  process.stderr.write(`invalid port "${portText}"\n`);
  process.exit(2);
}

const stack = await createLocalStack({
  port: Number(portText),
  host: values.host ?? process.env.HOOKLINE_HOST ?? '127.0.0.1',
  dataDir: values['data-dir'] ?? process.env.HOOKLINE_DATA_DIR ?? '.hookline',
});

process.stdout.write(
  `${JSON.stringify({ time: new Date().toISOString(), level: 'info', message: 'hookline listening', url: stack.url, api: `${stack.url}/api/hooks/v1`, dataDir: stack.dataDir })}\n`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', message: 'stopping', signal })}\n`,
  );
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

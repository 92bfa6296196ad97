import { readFile } from 'node:fs/promises';
import { putHookType } from '../../app/hookTypes.ts';
import type { Services } from '../../app/services.ts';

/**
 * The operator's hook types in the cloud: the CDK app packages its `hookTypesDir` into the api
 * function as one JSON file (infra/hookTypeCatalog.ts) and the scripts into the command runner;
 * the api function stores the types at cold start, as the local stack does at start
 * (functions/adapters/local/hookTypeDirectory.ts), so a type of that name replaced through the API
 * is put back by the next cold start.
 */
export async function loadHookTypeCatalog(services: Services, file: string): Promise<string[]> {
  const types = JSON.parse(await readFile(file, 'utf8')) as Array<{
    name: string;
    body: unknown;
    scriptFolder?: string;
  }>;
  for (const { name, body, scriptFolder } of types) await putHookType(services, name, body, scriptFolder);
  return types.map((t) => t.name);
}

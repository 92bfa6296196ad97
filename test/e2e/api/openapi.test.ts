import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_PREFIX } from '../../../functions/api/app.ts';
import { isPublicRoute } from '../../../functions/api/auth/publicRoutes.ts';
import { OPERATIONS, openApiDocument, openApiPath } from '../../../functions/api/openapi.ts';
import { hookDefinitionInputSchema } from '../../../functions/api/schemas.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { noopTask } from './helpers.ts';

/** GET /api/hooks/v1/openapi.json: generated from the zod schemas, covering every route the app serves. */

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: { content: Record<string, { schema: { $ref: string } }> };
        responses: Record<string, unknown>;
        security?: unknown[];
      }
    >
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};

let stack: TestStack;
let doc: Doc;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  // no credentials needed
  const res = await fetch(`${stack.url}${API_PREFIX}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  doc = JSON.parse(await res.text()) as Doc;
});
afterAll(async () => {
  await stack?.cleanup();
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and the same document the module generates', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('documents every route the app registers, and only those', () => {
    const methods = new Set(['GET', 'PUT', 'POST', 'DELETE', 'PATCH']);
    const registered = stack.app.routes
      .filter((r) => methods.has(r.method) && r.path.startsWith(`${API_PREFIX}/`))
      .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path.slice(API_PREFIX.length))}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect([...new Set(registered)].sort()).toEqual(documented.sort());
  });

  it('declares each path parameter, and operationIds are unique', () => {
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared).toEqual(inPath);
        expect(op.responses['200']).toBeDefined();
        expect(op.responses['400']).toBeDefined();
      }
    }
    for (const name of [
      'ping',
      'listHookGroups',
      'listHooks',
      'hook',
      'createHook',
      'updateHook',
      'removeHook',
      'getHookStatus',
      'triggerHook',
      'getTriggerToken',
      'resetTriggerToken',
      'triggerHookWithToken',
      'listLastFires',
    ]) {
      expect(ids.has(name), name).toBe(true);
    }
  });

  it('has the hook definition schema generated from the schema the handlers validate with', () => {
    const { $schema: _s, ...expected } = z.toJSONSchema(hookDefinitionInputSchema, {
      io: 'input',
      target: 'draft-2020-12',
    }) as Record<string, unknown>;
    expect(doc.components.schemas.HookDefinitionInput).toEqual(expected);
    for (const method of ['put', 'post']) {
      expect(
        doc.paths['/hooks/{hookGroupId}/{hookId}']![method]!.requestBody!.content['application/json']!.schema,
      ).toEqual({
        $ref: '#/components/schemas/HookDefinitionInput',
      });
    }
    const definition = doc.components.schemas.HookDefinitionInput as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(definition.required).toContain('metadata');
    expect(definition.additionalProperties).toBe(false);
    expect(Object.keys(definition.properties)).toEqual(
      expect.arrayContaining(['metadata', 'task', 'schedule', 'bindings', 'triggerSchema']),
    );
  });

  it('every component is a valid JSON Schema 2020-12 and every $ref resolves', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => ajv.compile(schema), name).not.toThrow();
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect(name && doc.components.schemas[name], ref).toBeTruthy();
    }
  });

  it('a valid hook body validates against the documented schema, an invalid one does not', async () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(doc.components.schemas.HookDefinitionInput!);
    expect(validate(hookBody(noopTask))).toBe(true);
    expect(validate({ ...hookBody(noopTask), colour: 'red' })).toBe(false);
    expect(validate({ ...hookBody(noopTask), metadata: { name: 5 } })).toBe(false);
    expect(validate({ ...hookBody(noopTask), schedule: 'hourly' })).toBe(false);
  });

  it('marks exactly the endpoints that need no credentials as public', () => {
    for (const op of OPERATIONS) {
      const samplePath = op.path.replace(/:([A-Za-z]+)/g, 'x');
      expect(Boolean(op.public), `${op.method} ${op.path}`).toBe(isPublicRoute(op.method, samplePath));
    }
  });
});

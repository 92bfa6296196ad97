import { describe, expect, it } from 'vitest';
import { isPublic, routerPath, scopeOf } from '../../../functions/api/endpoint.ts';
import { ENDPOINT_LIST, endpoints } from '../../../functions/api/endpoints/index.ts';
import { jsonSchemaOf, OPERATIONS, openApiDocument } from '../../../functions/api/openapi.ts';

/** functions/api/openapi.ts: the OpenAPI document derived from the endpoint declarations. */

type Operation = {
  operationId: string;
  security?: unknown[];
  'x-hookline-scope'?: string;
  'x-hookline-public'?: string;
  'x-hookline-scope-filter'?: string;
  'x-hookline-ticket-query'?: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: unknown }>;
  requestBody?: { required: boolean; content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
};
const doc = openApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};
const operation = (d: (typeof ENDPOINT_LIST)[number]) => doc.paths[d.path]?.[d.method] as Operation;
const component = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];

describe('the OpenAPI document', () => {
  it('has one operation per declaration, under its name, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(documented.sort()).toEqual(ENDPOINT_LIST.map((d) => `${d.method} ${d.path}`).sort());
    for (const d of ENDPOINT_LIST) expect(operation(d).operationId).toBe(d.name);
  });

  it("says who may call each operation: no security when public, else the declaration's scope template", () => {
    for (const d of ENDPOINT_LIST) {
      const op = operation(d);
      if (isPublic(d)) {
        expect(op.security, d.name).toEqual([]);
        expect(op['x-hookline-public'], d.name).toEqual(expect.any(String));
        expect(op.responses['403'], d.name).toBeUndefined();
      } else {
        expect(op.security, d.name).toBeUndefined();
        expect(op['x-hookline-scope'], d.name).toBe(scopeOf(d));
        expect(Object.keys(op.responses), d.name).toEqual(expect.arrayContaining(['401', '403', '429']));
      }
    }
    expect(operation(endpoints.listRecentRuns)['x-hookline-scope-filter']).toBe(
      'hooks:get-run:<hookGroupId>/<hookId>',
    );
    expect(operation(endpoints.runEvents)['x-hookline-ticket-query']).toBe('token');
  });

  it('documents each parameter with the schema that checks it', () => {
    const preview = operation(endpoints.schedulePreview).parameters ?? [];
    expect(preview.map((p) => [p.name, p.in, p.required])).toEqual([
      ['expression', 'query', true],
      ['timezone', 'query', false],
      ['from', 'query', false],
      ['count', 'query', false],
    ]);
    const trigger = operation(endpoints.triggerHook).parameters ?? [];
    expect(trigger.map((p) => `${p.in} ${p.name}`)).toEqual([
      'path hookGroupId',
      'path hookId',
      'header Idempotency-Key',
    ]);
    expect(trigger[0]?.schema).toEqual(jsonSchemaOf(endpoints.triggerHook.params.hookGroupId.schema));
  });

  it('refers bodies and answers to the components of their schemas', () => {
    for (const d of ENDPOINT_LIST) {
      const op = operation(d);
      const [type, media] = Object.entries(op.responses['200']?.content ?? {})[0] ?? [];
      expect(type, d.name).toBe(d.response.contentType ?? 'application/json');
      expect(component(media?.schema.$ref ?? ''), d.name).toEqual(jsonSchemaOf(d.response.schema));
      if (!d.body) {
        expect(op.requestBody, d.name).toBeUndefined();
        continue;
      }
      const body = op.requestBody?.content['application/json']?.schema.$ref ?? '';
      expect(component(body), d.name).toEqual(jsonSchemaOf(d.body.schema, 'input'));
      // a body that may be left empty is optional
      expect(op.requestBody?.required, d.name).toBe(d.body.whenEmpty === undefined);
    }
  });

  it('lists the operations for the API tests in the router syntax', () => {
    expect(OPERATIONS.map((op) => `${op.method} ${op.path}`).sort()).toEqual(
      ENDPOINT_LIST.map((d) => `${d.method} ${routerPath(d.path)}`).sort(),
    );
    expect(
      OPERATIONS.filter((op) => op.public)
        .map((op) => op.operationId)
        .sort(),
    ).toEqual(['openApi', 'ping', 'schedulePreview', 'triggerHookWithToken']);
    expect(OPERATIONS.find((op) => op.operationId === 'createHook')?.body).toBe('HookDefinitionInput');
  });
});

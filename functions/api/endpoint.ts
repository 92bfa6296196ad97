import type * as z from 'zod';

/**
 * One endpoint, declared once: everything the API knows about it — how it is routed
 * (functions/api/route.ts), who may call it (the auth middleware in functions/api/app.ts and the
 * scope check in route.ts), its OpenAPI operation (functions/api/openapi.ts) and its row in the
 * README's scope table (scripts/scopeTable.ts). The declarations live in functions/api/endpoints/.
 */

export type Method = 'get' | 'put' | 'post' | 'delete';

export type Tag = 'hooks' | 'triggers' | 'runs' | 'clients' | 'hook-types' | 'service';

/**
 * One request value that arrives as text: a path parameter, a query parameter or a header. The schema
 * checks it (and is what the OpenAPI document shows); a value it refuses is a 400 with `invalid`'s message.
 */
export interface TextInput<S extends z.ZodType = z.ZodType> {
  schema: S;
  description?: string;
  /** The text as the value the schema checks (a number for an integer); default: the text itself. */
  fromText?: (raw: string) => unknown;
  /** The 400's message for text the schema refuses (or that `fromText` cannot read). */
  invalid: (raw: string) => string;
  /** For a query parameter or header: its absence is a 400 with this message. */
  missing?: string;
  /** A rule over all the path parameters, checked once each is valid (e.g. a length they share). */
  together?: (values: Record<string, string>) => string | undefined;
  /** The header's name as documented (`Idempotency-Key`); headers are read case-insensitively. */
  headerName?: string;
}

/** The JSON request body: read (at most 1 MiB, functions/api/requestBody.ts), then checked. */
export interface BodyInput<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** What the body is, for the 400 (`invalid hook definition: metadata.name: …`). */
  what: string;
  /** What an empty body stands for; without it an empty body is checked as absent. */
  whenEmpty?: unknown;
  /** The 400's message (an InputError) instead of InputValidationError's list of fields. */
  invalid?: (issue: { path: string; message: string }) => string;
}

/**
 * Who may call an endpoint. `scope` is a template: each `<var>` is filled from the path parameters, or
 * else from values the handler supplies (a run's hook ids, ids in the body) when it calls `authorize`.
 */
export type EndpointAuth =
  /** Needs no credentials; says why (README.md, the OpenAPI document). */
  | { public: string }
  | {
      /** The scope the caller must hold; absent: any authenticated caller (see `filter`). */
      scope?: string;
      /** A scope that decides what the answer holds (per item) instead of refusing the request. */
      filter?: string;
      /** A query parameter carrying a ticket the handler checks instead of credentials. */
      ticket?: string;
      /** How the README's scope table says it, when the template alone does not. */
      note?: string;
    };

export interface ResponseDeclaration {
  schema: z.ZodType;
  /** Its media type, when not JSON. */
  contentType?: string;
}

export interface EndpointDeclaration {
  /** The operation's name (Taskcluster's, e.g. `triggerHook`): the OpenAPI operationId. */
  name: string;
  method: Method;
  /** Relative to /api/hooks/v1, OpenAPI style: `/hooks/{hookGroupId}/{hookId}`. */
  path: string;
  summary: string;
  tag: Tag;
  auth: EndpointAuth;
  params?: Record<string, TextInput>;
  query?: Record<string, TextInput>;
  headers?: Record<string, TextInput>;
  body?: BodyInput;
  /** The 200 answer. */
  response: ResponseDeclaration;
  /** Error statuses this operation answers besides 400, 413, 500 (and 401, 403, 429 unless public). */
  errors?: number[];
}

/** Declares an endpoint; `const` keeps its literal types (the scope template's vars, the params' names). */
export function endpoint<const D extends EndpointDeclaration>(declaration: D): D {
  return declaration;
}

export function isPublic(declaration: EndpointDeclaration): boolean {
  return 'public' in declaration.auth;
}

/** The scope template of an endpoint, if it checks one. */
export function scopeOf(declaration: EndpointDeclaration): string | undefined {
  return 'public' in declaration.auth ? undefined : declaration.auth.scope;
}

/** The names a scope template fills in: `hooks:get:<hookGroupId>:<hookId>` → hookGroupId, hookId. */
export function templateVars(template: string): string[] {
  return [...template.matchAll(/<([A-Za-z]+)>/g)].map((m) => m[1] as string);
}

/** `hooks:get:<hookGroupId>:<hookId>` with its vars filled; a var without a value is a bug here. */
export function fillScope(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/<([A-Za-z]+)>/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`scope template ${template}: no value for <${name}>`);
    return value;
  });
}

/** `/hooks/{hookGroupId}` → `/hooks/:hookGroupId` (Hono's syntax). */
export function routerPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

/** The path parameters of a path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] as string);
}

/** The `<var>` names of a scope template, as a type. */
export type TemplateVars<T> = T extends `${string}<${infer V}>${infer Rest}` ? V | TemplateVars<Rest> : never;

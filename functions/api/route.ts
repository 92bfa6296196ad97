import type { Context, Hono } from 'hono';
import type * as z from 'zod';
import { inputError } from '../core/errors.ts';
import { satisfies } from '../core/scopes.ts';
import { parseOrThrow } from '../core/validation.ts';
import { type ApiEnv, authorize as authorizeScopes, type Caller } from './authorization.ts';
import {
  type BodyInput,
  type EndpointDeclaration,
  fillScope,
  routerPath,
  type TemplateVars,
  type TextInput,
  templateVars,
} from './endpoint.ts';
import { readJsonBody } from './requestBody.ts';

/**
 * Registers an endpoint by its declaration (functions/api/endpoints/): the handler gets the path
 * parameters, query and headers already checked against the declared schemas (a 400 naming the value
 * otherwise), the body on demand, and the caller authorized with the declared scope — filled from the
 * path parameters before the handler runs, or from values the handler supplies (`authorize({…})`) when
 * the template names something the path does not (a run's hook). A handler cannot check another scope.
 */

/** A query parameter or header: absent, it is its schema's default, or a 400 when required, or undefined. */
type TextValue<I extends TextInput> = I extends { missing: string }
  ? z.output<I['schema']>
  : I['schema'] extends z.ZodDefault<z.ZodType>
    ? z.output<I['schema']>
    : z.output<I['schema']> | undefined;

type TextValues<R> =
  R extends Record<string, TextInput> ? { [K in keyof R]: TextValue<R[K]> } : Record<string, never>;

type ParamValues<R> =
  R extends Record<string, TextInput> ? { [K in keyof R]: z.output<R[K]['schema']> } : Record<string, never>;

type Schema<B> = B extends BodyInput<infer S> ? S : z.ZodNever;

/** The scope's vars the path does not give: the handler supplies them. */
type SuppliedVars<D extends EndpointDeclaration> = Exclude<
  D['auth'] extends { scope: infer T } ? TemplateVars<T> : never,
  keyof D['params']
>;

type FilterVars<D extends EndpointDeclaration> = D['auth'] extends { filter: infer T }
  ? TemplateVars<T>
  : never;

export interface RouteInput<D extends EndpointDeclaration> {
  params: ParamValues<D['params']>;
  query: TextValues<D['query']>;
  headers: TextValues<D['headers']>;
  /** The body, checked against the declared schema (its defaults applied). */
  body(): Promise<z.output<Schema<D['body']>>>;
  /** The same body as sent (checked, no defaults applied): for a use case that checks it itself. */
  sentBody(): Promise<z.input<Schema<D['body']>>>;
  /** The caller, holding the declared scope (already checked when the path fills it). */
  authorize: [SuppliedVars<D>] extends [never]
    ? () => Promise<Caller>
    : (vars: Record<SuppliedVars<D>, string>) => Promise<Caller>;
  /** Whether the caller holds the declared filter scope for these values (what the answer may hold). */
  holds(vars: Record<FilterVars<D>, string>): boolean;
}

export type RouteHandler<D extends EndpointDeclaration> = (
  c: Context<ApiEnv>,
  input: RouteInput<D>,
) => Response | Promise<Response>;

export function route<const D extends EndpointDeclaration>(
  app: Hono<ApiEnv>,
  declaration: D,
  handler: RouteHandler<D>,
): void {
  const auth = declaration.auth;
  const scope = 'public' in auth ? undefined : auth.scope;
  const paramNames = Object.keys(declaration.params ?? {});
  // checked before the handler runs when the path fills the whole template (or there is no template)
  const upFront =
    !('public' in auth) && !auth.ticket && templateVars(scope ?? '').every((v) => paramNames.includes(v));

  app.on(declaration.method.toUpperCase(), routerPath(declaration.path), async (c) => {
    const params = readParams(c, declaration.params ?? {});
    let caller: Caller | undefined;
    const authorize = async (vars: Record<string, string> = {}): Promise<Caller> => {
      if ('public' in auth) throw new Error(`${declaration.name} is public: it checks no scope`);
      if (!caller) {
        const pathValues = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
        const required = scope ? [fillScope(scope, { ...vars, ...pathValues })] : [];
        caller = await authorizeScopes(c, ...required);
      }
      return caller;
    };
    if (upFront) await authorize();
    const query = readTexts(declaration.query ?? {}, (name) => c.req.query(name));
    const headers = readTexts(declaration.headers ?? {}, (name, spec) =>
      c.req.header(spec.headerName ?? name),
    );
    const body = bodyReader(c, declaration.body);
    const input = {
      params,
      query,
      headers,
      body: async () => (await body()).value,
      sentBody: async () => (await body()).sent,
      authorize,
      holds: (vars: Record<string, string>) => {
        if ('public' in auth || !auth.filter || !caller)
          throw new Error(`${declaration.name} declares no filter scope, or has not authorized the caller`);
        return satisfies(caller.scopes, fillScope(auth.filter, vars));
      },
    } as unknown as RouteInput<D>;
    const response = await handler(c, input);
    const ticketUsed =
      !('public' in auth) && auth.ticket !== undefined && c.req.query(auth.ticket) !== undefined;
    if (!('public' in auth) && !caller && !ticketUsed)
      throw new Error(`${declaration.name} answered without checking its scope`);
    return response;
  });
}

/** The path parameters, each checked, then the rules they share. */
function readParams(c: Context, specs: Record<string, TextInput>): Record<string, unknown> {
  const raw: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    raw[name] = c.req.param(name) ?? '';
    values[name] = checked(spec, raw[name]);
  }
  for (const spec of Object.values(specs)) {
    const problem = spec.together?.(raw);
    if (problem) throw inputError(problem);
  }
  return values;
}

/** Query parameters or headers: absent is the schema's default (or undefined), unless required. */
function readTexts(
  specs: Record<string, TextInput>,
  read: (name: string, spec: TextInput) => string | undefined,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = read(name, spec);
    if (raw === undefined) {
      if (spec.missing) throw inputError(spec.missing);
      const fallback = spec.schema.safeParse(undefined);
      values[name] = fallback.success ? fallback.data : undefined;
    } else values[name] = checked(spec, raw);
  }
  return values;
}

function checked(spec: TextInput, raw: string): unknown {
  const parsed = spec.schema.safeParse(spec.fromText ? spec.fromText(raw) : raw);
  if (!parsed.success) throw inputError(spec.invalid(raw));
  return parsed.data;
}

/** Reads and checks the body once, when the handler first asks for it. */
function bodyReader(c: Context, spec: BodyInput | undefined) {
  let read: Promise<{ value: unknown; sent: unknown }> | undefined;
  return () => {
    read ??= (async () => {
      if (!spec) throw new Error('this endpoint declares no body');
      const sent = (await readJsonBody(c)) ?? spec.whenEmpty;
      if (!spec.invalid) return { value: parseOrThrow(spec.schema, sent, spec.what), sent };
      const parsed = spec.schema.safeParse(sent);
      if (parsed.success) return { value: parsed.data, sent };
      const issue = parsed.error.issues[0];
      throw inputError(
        spec.invalid({ path: issue?.path.join('.') ?? '', message: issue?.message ?? 'invalid' }),
      );
    })();
    return read;
  };
}

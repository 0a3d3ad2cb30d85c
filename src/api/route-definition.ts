import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

/**
 * Who may call a route: a bearer token of a user or service (`bearer`), nobody in
 * particular (`public`: probes, this document, the login settings), or a storage server
 * holding the bucket-events shared secret (`bucket-events`).
 */
export type RouteAuth = 'bearer' | 'public' | 'bucket-events';

export interface ResponseDefinition {
  readonly description: string;
  /** The JSON body of a 2xx answer; absent for an empty body (204) or an opaque one. */
  readonly schema?: z.ZodType;
  /** An RFC 9457 problem+json answer. */
  readonly problem?: true;
}

export interface BodyDefinition {
  readonly schema: z.ZodType;
  /** Media types accepted besides `application/json` (e.g. merge-patch). */
  readonly alsoAccepts?: readonly string[];
}

/**
 * One route of the Platform API, defined once: the server mounts its handler from it, the
 * OpenAPI document is generated from it, and the CLI's client calls it. The schemas are
 * the very objects the use cases parse their input with, so none of the three can describe
 * a request the others do not accept.
 *
 * Plain data (zod schemas only): the CLI imports these definitions without loading Hono.
 */
export interface RouteDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** OpenAPI form: `/api/v1/environments/{name}`. */
  readonly path: `/${string}`;
  readonly summary: string;
  readonly description?: string;
  readonly auth: RouteAuth;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodType;
  readonly headers?: z.ZodObject;
  readonly body?: BodyDefinition;
  readonly responses: Readonly<Record<number, ResponseDefinition>>;
}

/** Keeps a definition's literal types (path, status codes, schemas) for the typed client. */
export const defineRoute = <const R extends RouteDefinition>(route: R): R => route;

export const jsonResponse = <S extends z.ZodType>(schema: S, description: string) =>
  ({ description, schema }) as const;

export const problemResponse = (description: string) => ({ description, problem: true }) as const;

/** The answers every authenticated route may give. */
export const COMMON_RESPONSES = {
  400: problemResponse('Invalid input; `errors` lists each field'),
  401: problemResponse('Missing or invalid bearer token'),
  403: problemResponse('Not allowed'),
  503: problemResponse(
    'A dependency is unavailable or the index is loading; retry after `Retry-After`',
  ),
} as const;

type SuccessStatus = 200 | 201 | 202 | 204;

/** The parsed body of a route's success answer (`undefined` for 204). */
export type SuccessBody<R extends RouteDefinition> = {
  [S in keyof R['responses'] & SuccessStatus]: R['responses'][S] extends {
    schema: infer T extends z.ZodType;
  }
    ? z.output<T>
    : undefined;
}[keyof R['responses'] & SuccessStatus];

/** What a caller supplies: path parameters, query and body as the schemas take them in. */
export type RouteInput<R extends RouteDefinition> = (R['params'] extends z.ZodObject
  ? { readonly params: z.input<R['params']> }
  : { readonly params?: undefined }) &
  (R['query'] extends z.ZodType ? { readonly query?: z.input<R['query']> } : object) &
  (R['body'] extends BodyDefinition ? { readonly body: z.input<R['body']['schema']> } : object) &
  (R['headers'] extends z.ZodObject ? { readonly headers?: z.input<R['headers']> } : object);

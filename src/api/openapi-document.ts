import { z } from 'zod';
import { API_ROUTES } from './api-routes.js';
import type { RouteDefinition } from './route-definition.js';

type JsonObject = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';
const ref = (id: string) => ({ $ref: `${COMPONENT_PREFIX}${id}` });

/** The JSON Schema of `schema`: a `$ref` when it is a registered component, inline otherwise. */
function schemaOf(schema: z.ZodType): JsonObject {
  const id = z.globalRegistry.get(schema)?.id;
  if (id !== undefined) return ref(id);
  // A registered schema nested in an inline one comes out under `$defs`; the document
  // holds every registered schema as a component already, so point there instead.
  const {
    $schema: _schema,
    $defs: _defs,
    ...rest
  } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonObject;
  return JSON.parse(
    JSON.stringify(rest).replaceAll('"#/$defs/', `"${COMPONENT_PREFIX}`),
  ) as JsonObject;
}

/** Query, path and header parameters, one per property of the route's object schemas. */
function parametersOf(route: RouteDefinition): JsonObject[] {
  const sources: [string, z.ZodType | undefined][] = [
    ['path', route.params],
    ['query', route.query],
    ['header', route.headers],
  ];
  return sources.flatMap(([location, schema]) => {
    if (!schema) return [];
    const json = schemaOf(schema) as {
      properties?: Record<string, JsonObject>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      return {
        name: location === 'header' ? headerName(name) : name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: propertySchema,
        ...(typeof description === 'string' ? { description } : {}),
      };
    });
  });
}

/** `if-match` → `If-Match`: header schemas use the lower-case names Node delivers. */
const headerName = (name: string): string =>
  name.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
  );

function operationOf(route: RouteDefinition): JsonObject {
  const parameters = parametersOf(route);
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      if (response.problem) {
        return [
          status,
          {
            description: response.description,
            content: { 'application/problem+json': { schema: ref('Problem') } },
          },
        ];
      }
      if (!response.schema) return [status, { description: response.description }];
      return [
        status,
        {
          description: response.description,
          content: { 'application/json': { schema: schemaOf(response.schema) } },
        },
      ];
    }),
  );
  const body = route.body;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...SECURITY[route.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              [...(body.alsoAccepts ?? []), 'application/json'].map((type) => [
                type,
                { schema: schemaOf(body.schema) },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
}

/** Per-operation security; bearer is the document's default, so it needs no entry. */
const SECURITY: Record<RouteDefinition['auth'], JsonObject> = {
  bearer: {},
  public: { security: [] },
  'bucket-events': { security: [{ bearer: [] }, { bucketEventsQueryToken: [] }] },
};

/** Every registered component schema (`.meta({ id })`), as OpenAPI 3.1 / JSON Schema 2020-12. */
function componentSchemas(): JsonObject {
  const generated = z.toJSONSchema(z.globalRegistry, {
    io: 'input',
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
    unrepresentable: 'any',
  }).schemas;
  return Object.fromEntries(
    Object.entries(generated).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

/**
 * The OpenAPI 3.1 document, generated from the route definitions the server mounts and the
 * client calls (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits directly).
 */
export function buildOpenApiDocument(
  version: string,
  routes: Readonly<Record<string, RouteDefinition>> = API_ROUTES,
): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of Object.values(routes)) {
    paths[route.path] = { ...paths[route.path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Platform API',
      version,
      description: 'Environment claims of the internal developer platform.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        bucketEventsQueryToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'PLATFORM_BUCKET_EVENTS_TOKEN, for senders that cannot set headers (never logged)',
        },
      },
      schemas: componentSchemas(),
    },
    paths,
  };
}

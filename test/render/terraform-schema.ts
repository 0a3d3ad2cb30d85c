import { readFileSync } from 'node:fs';

/**
 * A checker for Terraform JSON against provider schemas in the shape of
 * `terraform providers schema -json` (what `terraform validate` checks without the
 * providers' own validators): unknown attributes and blocks, missing required ones,
 * computed-only attributes that are set, and value types. A string holding an
 * interpolation (`${…}`) stands for any type, as Terraform decides it only at plan time.
 */

type AttributeType = string | [string, AttributeType] | [string, Record<string, AttributeType>];

interface Attribute {
  type?: AttributeType;
  nested_type?: { attributes: Record<string, Attribute>; nesting_mode: string };
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<
    string,
    { nesting_mode: string; block: Block; min_items?: number; max_items?: number }
  >;
}

interface ProviderSchema {
  provider: { block: Block };
  resource_schemas: Record<string, { block: Block }>;
  data_source_schemas?: Record<string, { block: Block }>;
}

export interface ProvidersSchema {
  provider_schemas: Record<string, ProviderSchema>;
}

export function loadProvidersSchema(url: URL): ProvidersSchema {
  return JSON.parse(readFileSync(url, 'utf8')) as ProvidersSchema;
}

/** Arguments every resource and data block may have (Terraform's meta-arguments). */
const META_ARGUMENTS = new Set(['depends_on', 'count', 'for_each', 'provider', 'lifecycle']);

const isReference = (value: unknown): boolean => typeof value === 'string' && value.includes('${');

function checkType(type: AttributeType, value: unknown, path: string, errors: string[]): void {
  if (isReference(value)) return;
  if (typeof type === 'string') {
    const ok =
      (type === 'string' && typeof value === 'string') ||
      (type === 'number' && typeof value === 'number') ||
      (type === 'bool' && typeof value === 'boolean') ||
      type === 'dynamic';
    if (!ok) errors.push(`${path}: expected ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  const [kind, element] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected a ${kind}`);
    value.forEach((item, index) => {
      checkType(element as AttributeType, item, `${path}[${index}]`, errors);
    });
  } else if (kind === 'map') {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return void errors.push(`${path}: expected a map`);
    for (const [key, item] of Object.entries(value))
      checkType(element as AttributeType, item, `${path}.${key}`, errors);
  } else if (kind === 'object') {
    if (typeof value !== 'object' || value === null) return void errors.push(`${path}: object`);
    const fields = element as Record<string, AttributeType>;
    for (const [key, item] of Object.entries(value)) {
      const field = fields[key];
      if (field === undefined) errors.push(`${path}.${key}: unknown field`);
      else checkType(field, item, `${path}.${key}`, errors);
    }
  }
}

function checkAttributes(
  attributes: Record<string, Attribute>,
  body: Record<string, unknown>,
  path: string,
  errors: string[],
  allowed: ReadonlySet<string>,
): void {
  for (const [name, value] of Object.entries(body)) {
    if (allowed.has(name)) continue;
    const attribute = attributes[name];
    if (attribute === undefined) {
      errors.push(`${path}.${name}: unknown attribute`);
      continue;
    }
    if (attribute.computed === true && attribute.optional !== true && attribute.required !== true)
      errors.push(`${path}.${name}: computed only, cannot be set`);
    if (attribute.type !== undefined) checkType(attribute.type, value, `${path}.${name}`, errors);
    else if (attribute.nested_type !== undefined)
      checkNested(attribute.nested_type, value, `${path}.${name}`, errors);
  }
  for (const [name, attribute] of Object.entries(attributes))
    if (attribute.required === true && !(name in body))
      errors.push(`${path}.${name}: required attribute missing`);
}

function checkNested(
  nested: { attributes: Record<string, Attribute>; nesting_mode: string },
  value: unknown,
  path: string,
  errors: string[],
): void {
  if (isReference(value)) return;
  const objectAt = (item: unknown, at: string): void => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return void errors.push(`${at}: expected an object`);
    checkAttributes(nested.attributes, item as Record<string, unknown>, at, errors, new Set());
  };
  if (nested.nesting_mode === 'single') objectAt(value, path);
  else if (nested.nesting_mode === 'map') {
    if (typeof value !== 'object' || value === null) return void errors.push(`${path}: map`);
    for (const [key, item] of Object.entries(value)) objectAt(item, `${path}.${key}`);
  } else {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected a list`);
    value.forEach((item, index) => objectAt(item, `${path}[${index}]`));
  }
}

function checkBlock(
  block: Block,
  body: Record<string, unknown>,
  path: string,
  errors: string[],
  allowed: ReadonlySet<string> = new Set(),
): void {
  const blockTypes = block.block_types ?? {};
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const blockType = blockTypes[name];
    if (blockType === undefined) {
      attributes[name] = value;
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    if (blockType.min_items !== undefined && items.length < blockType.min_items)
      errors.push(`${path}.${name}: at least ${blockType.min_items} block(s)`);
    if (blockType.max_items !== undefined && items.length > blockType.max_items)
      errors.push(`${path}.${name}: at most ${blockType.max_items} block(s)`);
    items.forEach((item, index) => {
      checkBlock(
        blockType.block,
        item as Record<string, unknown>,
        `${path}.${name}[${index}]`,
        errors,
      );
    });
  }
  for (const [name, blockType] of Object.entries(blockTypes))
    if ((blockType.min_items ?? 0) > 0 && !(name in body))
      errors.push(`${path}.${name}: required block missing`);
  checkAttributes(block.attributes ?? {}, attributes, path, errors, new Set([...allowed, '//']));
}

/** Which provider a resource type belongs to: the type's prefix (`infisical_…`). */
function providerOf(schema: ProvidersSchema, type: string): ProviderSchema | undefined {
  for (const [address, provider] of Object.entries(schema.provider_schemas)) {
    const local = address.split('/').at(-1) ?? '';
    if (type === local || type.startsWith(`${local}_`)) return provider;
  }
  return undefined;
}

function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, found);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) strings(item, found);
  return found;
}

/** References (`${var.x}`, `${type.name.attr}`, `${data.type.name.attr}`) that resolve to nothing. */
function referenceErrors(schema: ProvidersSchema, document: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const section = (name: string) =>
    (document[name] ?? {}) as Record<string, Record<string, unknown>>;
  const attributeOf = (kind: 'resource' | 'data', type: string, attr: string): boolean => {
    const provider = providerOf(schema, type);
    const entry =
      kind === 'resource'
        ? provider?.resource_schemas[type]
        : provider?.data_source_schemas?.[type];
    return entry?.block.attributes?.[attr] !== undefined;
  };
  const dependsOn = Object.values(section('resource')).flatMap((byName) =>
    Object.values(byName).flatMap(
      (body) => ((body as Record<string, unknown>)['depends_on'] as string[] | undefined) ?? [],
    ),
  );
  // The traversals inside each `${…}`: `a.b[.c]` not preceded by `.`, `)`, `]`, a quote or a
  // word character (so `yamldecode(var.x).clusters[0]` yields `var.x` only), not a call.
  const traversal = /(?<![\w.)\]"-])([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+)(?![\w(])/g;
  const references = [
    ...strings(document).flatMap((text) =>
      [...text.matchAll(/\$\{(.*?)\}(?!")/g)].flatMap((match) =>
        [...(match[1] ?? '').matchAll(traversal)].map((found) => found[1] ?? ''),
      ),
    ),
    ...dependsOn,
  ];
  for (const reference of references) {
    const parts = reference.split('.');
    if (parts[0] === 'local') {
      if (section('locals')[parts[1] ?? ''] === undefined)
        errors.push(`\${${reference}}: no such local`);
    } else if (parts[0] === 'var') {
      if (section('variable')[parts[1] ?? ''] === undefined)
        errors.push(`\${${reference}}: no such variable`);
    } else if (parts[0] === 'data') {
      const [, type = '', name = '', attr = ''] = parts;
      if (section('data')[type]?.[name] === undefined || !attributeOf('data', type, attr))
        errors.push(`\${${reference}}: no such data attribute`);
    } else {
      const [type = '', name = '', attr] = parts;
      if (section('resource')[type]?.[name] === undefined)
        errors.push(`${reference}: no such resource`);
      else if (attr !== undefined && !attributeOf('resource', type, attr))
        errors.push(`${reference}: no such attribute`);
    }
  }
  return errors;
}

/** Every problem of a Terraform JSON document against the schemas; empty when it conforms. */
export function terraformErrors(schema: ProvidersSchema, document: unknown): string[] {
  const errors: string[] = [];
  const root = document as Record<string, Record<string, Record<string, unknown>>>;
  for (const [section, blocks] of Object.entries(root)) {
    if (section === 'resource' || section === 'data') {
      for (const [type, byName] of Object.entries(blocks)) {
        const provider = providerOf(schema, type);
        const entry =
          section === 'resource'
            ? provider?.resource_schemas[type]
            : provider?.data_source_schemas?.[type];
        if (entry === undefined) {
          errors.push(`${section}.${type}: unknown ${section} type`);
          continue;
        }
        for (const [name, body] of Object.entries(byName))
          checkBlock(
            entry.block,
            body as Record<string, unknown>,
            `${section}.${type}.${name}`,
            errors,
            META_ARGUMENTS,
          );
      }
    } else if (section === 'provider') {
      for (const [name, body] of Object.entries(blocks)) {
        const provider = providerOf(schema, name);
        if (provider === undefined) errors.push(`provider.${name}: unknown provider`);
        else
          checkBlock(provider.provider.block, body, `provider.${name}`, errors, new Set(['alias']));
      }
    } else if (!['//', 'terraform', 'variable', 'output', 'locals'].includes(section)) {
      errors.push(`${section}: not a Terraform JSON section`);
    }
  }
  return [...errors, ...referenceErrors(schema, root)];
}

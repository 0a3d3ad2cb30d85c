import type { GroupRole, Organization, Product } from './tenancy-schema.js';

/**
 * The roles a product grants through IdP groups named by its organization's convention:
 * the organization's `roleGroups`, with `admin` only where the product opts in to customer
 * admin (seed 000: no admin on tooling otherwise).
 */
export function conventionalRoles(organization: Organization, product: Product): GroupRole[] {
  return organization.groupNaming.roleGroups.filter(
    (role) => role !== 'admin' || product.customerAdmin,
  );
}

/**
 * Fills a group name template. An empty `{path}` disappears together with one adjacent
 * separator, so hierarchical and flat conventions share one template language.
 */
export function renderGroupName(
  template: string,
  values: Readonly<Record<string, string>>,
): string {
  const parts = compiledTemplate(template, (values.path ?? '') === '');
  // Joined into one string: names are kept and looked up in maps for a whole render, where
  // concatenation would keep a tree of pieces per name.
  return parts
    .map((part) => (part.key === undefined ? part.text : (values[part.key] ?? part.text)))
    .join('');
}

/** A template split into literal text and placeholders, once per template (hot in renders). */
type TemplatePart = { readonly text: string; readonly key?: string };
/** Per template: its parts with `{path}` kept, and with an empty `{path}` removed. */
const templates = new Map<string, { withPath?: TemplatePart[]; withoutPath?: TemplatePart[] }>();

function compiledTemplate(template: string, emptyPath: boolean): TemplatePart[] {
  // Keyed by the template itself (the model's string, its hash kept): no key is built per call.
  let compiled = templates.get(template);
  if (!compiled) {
    compiled = {};
    templates.set(template, compiled);
  }
  const cached = emptyPath ? compiled.withoutPath : compiled.withPath;
  if (cached) return cached;
  const text = emptyPath
    ? template.replace(/\{path\}([/\-_.:])/g, '').replace(/([/\-_.:])\{path\}/g, '')
    : template;
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], key: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  if (emptyPath) compiled.withoutPath = parts;
  else compiled.withPath = parts;
  return parts;
}

interface BaseValues {
  readonly org: string;
  readonly path: string;
  readonly product: string;
}

/** A product's own template values, once per product (a render asks for tens of thousands). */
const baseValuesByProduct = new WeakMap<Product, BaseValues>();

function baseValues(organization: Organization, product: Product): BaseValues {
  let values = baseValuesByProduct.get(product);
  if (!values || values.org !== (organization.groupName ?? organization.name)) {
    values = {
      org: organization.groupName ?? organization.name,
      path: product.path.join('/'),
      product: product.groupName ?? product.name,
    };
    baseValuesByProduct.set(product, values);
  }
  return values;
}

/**
 * The IdP group of a product role, e.g. `Platform-One/Products/Valkyrie/developer`, or
 * `edp-oidc-viewers` for a collaborator where `roleNames` says `collaborator: viewer`.
 */
export function roleGroupName(
  organization: Organization,
  product: Product,
  role: GroupRole,
): string {
  const { org, path, product: productName } = baseValues(organization, product);
  return renderGroupName(organization.groupNaming.roles, {
    org,
    path,
    product: productName,
    role: organization.groupNaming.roleNames[role] ?? role,
  });
}

/** The IdP group of an extra role, e.g. `Platform-One/Products/Valkyrie/roles/ADMIN`. */
export function extraRoleGroupName(
  organization: Organization,
  product: Product,
  role: string,
): string {
  const template =
    organization.groupNaming.extraRoles ??
    organization.groupNaming.roles.replace('{role}', 'roles/{role}');
  const { org, path, product: productName } = baseValues(organization, product);
  return renderGroupName(template, { org, path, product: productName, role });
}

/** A per-namespace tool group (seed 000), e.g. `koa-dev-grafana-write`. */
export function toolGroupName(
  organization: Organization,
  product: Product,
  namespace: string,
  tool: string,
  level: string,
): string {
  const { org, path, product: productName } = baseValues(organization, product);
  return renderGroupName(organization.groupNaming.tools, {
    org,
    path,
    product: productName,
    namespace,
    tool,
    level,
  });
}

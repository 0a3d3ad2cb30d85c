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
  let text = '';
  for (const part of parts)
    text += part.key === undefined ? part.text : (values[part.key] ?? part.text);
  return text;
}

/** A template split into literal text and placeholders, once per template (hot in renders). */
type TemplatePart = { readonly text: string; readonly key?: string };
const templates = new Map<string, TemplatePart[]>();

function compiledTemplate(template: string, emptyPath: boolean): TemplatePart[] {
  const cacheKey = `${emptyPath ? '0' : '1'}${template}`;
  let parts = templates.get(cacheKey);
  if (!parts) {
    const text = emptyPath
      ? template.replace(/\{path\}([/\-_.:])/g, '').replace(/([/\-_.:])\{path\}/g, '')
      : template;
    parts = [];
    let last = 0;
    for (const match of text.matchAll(/\{(\w+)\}/g)) {
      if (match.index > last) parts.push({ text: text.slice(last, match.index) });
      parts.push({ text: match[0], key: match[1] ?? '' });
      last = match.index + match[0].length;
    }
    if (last < text.length) parts.push({ text: text.slice(last) });
    templates.set(cacheKey, parts);
  }
  return parts;
}

function baseValues(organization: Organization, product: Product): Record<string, string> {
  return {
    org: organization.groupName ?? organization.name,
    path: product.path.join('/'),
    product: product.groupName ?? product.name,
  };
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
  return renderGroupName(organization.groupNaming.roles, {
    ...baseValues(organization, product),
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
  return renderGroupName(template, { ...baseValues(organization, product), role });
}

/** A per-namespace tool group (seed 000), e.g. `koa-dev-grafana-write`. */
export function toolGroupName(
  organization: Organization,
  product: Product,
  namespace: string,
  tool: string,
  level: string,
): string {
  return renderGroupName(organization.groupNaming.tools, {
    ...baseValues(organization, product),
    namespace,
    tool,
    level,
  });
}

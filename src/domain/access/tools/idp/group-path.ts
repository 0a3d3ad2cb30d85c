/**
 * The segments of an IdP group name: a hierarchical name (seed 003
 * `Platform-One/Products/Valkyrie/developer`) gives one segment per level, a flat one (seed
 * 000 `koa-dev-grafana-write`) a single segment. Empty segments (`a//b`, a leading `/`) are
 * dropped, since no IdP has nameless groups, so every returned segment is non-empty.
 */
export function groupPathSegments(name: string): string[] {
  return name.split('/').filter((segment) => segment !== '');
}

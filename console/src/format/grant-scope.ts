/** The fields of a grant that say where it applies (`AccessGrant` in the API). */
export interface GrantPlace {
  readonly product?: string | undefined;
  readonly namespace?: string | undefined;
  readonly cluster?: string | undefined;
  readonly realm?: string | undefined;
  readonly repository?: string | undefined;
}

/** `product koa, namespace koa-dev`; `everywhere` for a grant without a place. */
export function scopeOf(grant: GrantPlace): string {
  const parts = (['product', 'namespace', 'cluster', 'realm', 'repository'] as const).flatMap(
    (key) => {
      const value = grant[key];
      return value === undefined || value === '' ? [] : [`${key} ${value}`];
    },
  );
  return parts.length === 0 ? 'everywhere' : parts.join(', ');
}

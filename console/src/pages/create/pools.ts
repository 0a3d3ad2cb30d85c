/** `GET /api/v1/me`'s `create`: pools and the types the caller may create in each. */
interface CreateRights {
  readonly create: readonly { readonly pool: string; readonly types: readonly string[] }[];
}

/** The pools where `me.create` lists the type, in name order. */
export function poolsFor(me: CreateRights, type: string): string[] {
  return me.create
    .filter((entry) => entry.types.includes(type))
    .map((entry) => entry.pool)
    .sort();
}

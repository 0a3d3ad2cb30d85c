import { InputError } from '../../domain/errors.js';

/** Where the caller may create: pools and, per pool, the types (from `GET /api/v1/me`). */
export interface CreateRights {
  readonly pools: readonly { readonly pool: string; readonly types: readonly string[] }[];
  /** Types the caller may create in any pool (platform admins). */
  readonly anyPool: readonly string[];
}

/**
 * The type and pool of a new environment, as the seed names them: `dev-team1`,
 * `dev-team1-feature-x`, `sue-team1-poc` are `<type>-<pool>[-…]`.
 *
 * - type: `--type`, else the payload's, else the name's first segment if it is a type of
 *   the catalogue;
 * - pool: `--pool`, else the payload's, else the name's second segment if the caller may
 *   create that type there (any pool, for platform admins), else the one pool where the
 *   caller may create that type.
 *
 * Anything else is a usage error that says what to pass.
 */
export function inferTarget(input: {
  readonly name: string;
  readonly type?: string | undefined;
  readonly pool?: string | undefined;
  readonly types: readonly string[];
  readonly rights: CreateRights;
}): { type: string; pool: string } {
  const [first = '', second] = input.name.split('-');
  const type = input.type ?? (input.types.includes(first) ? first : undefined);
  if (type === undefined) {
    throw new InputError(
      `cannot tell the type of '${input.name}' from its name; pass --type (one of ${input.types.join(', ')})`,
    );
  }
  if (input.pool !== undefined) return { type, pool: input.pool };
  const pools = input.rights.pools
    .filter((entry) => entry.types.includes(type))
    .map((entry) => entry.pool);
  if (second !== undefined && (pools.includes(second) || input.rights.anyPool.includes(type))) {
    return { type, pool: second };
  }
  if (pools.length === 1 && pools[0] !== undefined && !input.rights.anyPool.includes(type)) {
    return { type, pool: pools[0] };
  }
  throw new InputError(
    pools.length === 0
      ? `you may create a ${type} environment in no pool; ask a platform admin, or pass --pool`
      : `cannot tell the pool of '${input.name}'; pass --pool (you may create ${type} environments in ${pools.join(', ')})`,
  );
}

import type {
  EnvironmentFilter,
  FilterField,
  LikePart,
} from '../../domain/policy/environment-filter.js';

/** A parameterized SQL boolean expression; `$n` placeholders index into `params`. */
export interface SqlExpression {
  readonly sql: string;
  readonly params: unknown[];
}

/** The columns a filter reads: one per field, and the boolean `static` column. */
export interface FilterColumns {
  readonly fields: Readonly<Record<FilterField, string>>;
  readonly static: string;
}

export const ENVIRONMENT_COLUMNS: FilterColumns = {
  fields: { name: 'name', type: 'type', pool: 'pool', owner: 'owner' },
  static: 'is_static',
};

export interface CompileOptions {
  /** Placeholders start at `$offset + 1`, after the caller's own parameters. */
  readonly offset?: number;
  /** What a `per-item` leaf reads as: it is unknown to SQL, so the caller picks a side. */
  readonly perItem: boolean;
  readonly columns?: FilterColumns;
}

/** Escapes `%`, `_` and `\` so a literal matches itself under `LIKE … ESCAPE '\'`. */
export function escapeLikeLiteral(literal: string): string {
  return literal.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A Cedar `like` pattern as an SQL LIKE pattern: `*` → `%`, literals escaped. */
export function likePatternSql(pattern: readonly LikePart[]): string {
  return pattern.map((part) => (part === '*' ? '%' : escapeLikeLiteral(part.literal))).join('');
}

/**
 * Compiles a permission filter into one SQL boolean expression over `columns`. Values only
 * ever travel as parameters. Columns must be NOT NULL: the expression is then two-valued,
 * so `NOT` means exactly the filter's negation.
 */
export function compileFilter(filter: EnvironmentFilter, options: CompileOptions): SqlExpression {
  const columns = options.columns ?? ENVIRONMENT_COLUMNS;
  const params: unknown[] = [];
  const offset = options.offset ?? 0;
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${offset + params.length}`;
  };
  const compile = (node: EnvironmentFilter): string => {
    switch (node.kind) {
      case 'all':
        return 'TRUE';
      case 'none':
        return 'FALSE';
      case 'in':
        if (node.values.length === 0) return 'FALSE';
        return `${columns.fields[node.field]} = ANY(${bind([...node.values])}::text[])`;
      case 'like':
        return `${columns.fields[node.field]} LIKE ${bind(likePatternSql(node.pattern))} ESCAPE '\\'`;
      case 'static':
        return node.value ? columns.static : `NOT ${columns.static}`;
      case 'and':
        if (node.filters.length === 0) return 'TRUE';
        return `(${node.filters.map(compile).join(' AND ')})`;
      case 'or':
        if (node.filters.length === 0) return 'FALSE';
        return `(${node.filters.map(compile).join(' OR ')})`;
      case 'not':
        return `(NOT ${compile(node.filter)})`;
      case 'per-item':
        return options.perItem ? 'TRUE' : 'FALSE';
    }
  };
  return { sql: compile(filter), params };
}

/**
 * One index range of a filter: the rows whose `field` is one of `values` (each field leads
 * an index: the primary key on `name`, migration 001's `(type|pool|owner, name)`) and that
 * match `filter`, the rest of the condition on that range.
 */
export interface IndexBranch {
  readonly field: FilterField;
  readonly values: readonly string[];
  readonly filter: EnvironmentFilter;
}

// On a tie in value count, the field whose values are likelier to be few rows each.
const DRIVER_PREFERENCE: readonly FilterField[] = ['name', 'owner', 'pool', 'type'];

/** How many index scans the branches are: one per value. */
export const totalValues = (branches: readonly IndexBranch[]): number =>
  branches.reduce((sum, branch) => sum + branch.values.length, 0);

/** `and` of `filters` without `all` leaves; a single filter as itself. */
function andOf(filters: readonly EnvironmentFilter[]): EnvironmentFilter {
  const kept = filters.filter((filter) => filter.kind !== 'all');
  if (kept.length === 0) return { kind: 'all' };
  if (kept.length === 1) return kept[0]!;
  return { kind: 'and', filters: kept };
}

/**
 * The filter as index ranges, so a page can be read as a few ordered index scans, one per
 * value, instead of one scan of every name that keeps the rows the filter allows: an item
 * matches `filter` exactly when, for some branch, its `field` is one of the branch's
 * `values` and it matches the branch's `filter` (whatever a `per-item` leaf answers).
 * Undefined when some allowed item need not lie in such a range (`all`, `like`, `static`,
 * `not`, `per-item` outside an `and` with an `in`), or when the ranges would be more than
 * `maxValues` values: each is one index scan, so many values cost more than they save.
 * An empty list means nothing matches. Within an `and`, the child with the fewest values
 * leads; the others become the branches' filter, and an `in` leaf that leads drops out.
 */
export function indexBranches(
  filter: EnvironmentFilter,
  maxValues: number,
): IndexBranch[] | undefined {
  const cover = (node: EnvironmentFilter): IndexBranch[] | undefined => {
    switch (node.kind) {
      case 'none':
        return [];
      case 'in': {
        const values = [...new Set(node.values)];
        return values.length === 0 ? [] : [{ field: node.field, values, filter: { kind: 'all' } }];
      }
      case 'or': {
        const branches: IndexBranch[] = [];
        for (const child of node.filters) {
          const found = cover(child);
          if (found === undefined) return undefined;
          branches.push(...found);
          if (totalValues(branches) > maxValues) return undefined;
        }
        return branches;
      }
      case 'and': {
        let best: { index: number; branches: IndexBranch[]; rank: number[] } | undefined;
        node.filters.forEach((child, index) => {
          const branches = cover(child);
          if (branches === undefined) return;
          const rank = [
            totalValues(branches),
            Math.max(0, ...branches.map((branch) => DRIVER_PREFERENCE.indexOf(branch.field))),
          ];
          if (
            best === undefined ||
            rank[0]! < best.rank[0]! ||
            (rank[0] === best.rank[0] && rank[1]! < best.rank[1]!)
          )
            best = { index, branches, rank };
        });
        if (best === undefined) return undefined;
        const { index, branches } = best;
        const others = node.filters.filter((_, other) => other !== index);
        return branches.map((branch) => ({
          field: branch.field,
          values: branch.values,
          filter: andOf([branch.filter, ...others]),
        }));
      }
      case 'all':
      case 'like':
      case 'static':
      case 'not':
      case 'per-item':
        return undefined;
    }
  };
  const branches = cover(filter);
  return branches === undefined || totalValues(branches) > maxValues ? undefined : branches;
}

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

/** One schema change: run once, in a transaction, in version order (see `migrate`). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

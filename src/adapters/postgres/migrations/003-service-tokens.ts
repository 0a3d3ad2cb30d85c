import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 3,
  name: 'service-tokens',
  sql: `SELECT 1`,
};

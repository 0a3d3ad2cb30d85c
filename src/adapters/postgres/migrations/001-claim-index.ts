import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 1,
  name: 'claim-index',
  sql: `SELECT 1`,
};

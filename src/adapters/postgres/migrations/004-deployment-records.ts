import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 4,
  name: 'deployment-records',
  sql: `SELECT 1`,
};

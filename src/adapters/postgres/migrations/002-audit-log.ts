import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 2,
  name: 'audit-log',
  sql: `SELECT 1`,
};

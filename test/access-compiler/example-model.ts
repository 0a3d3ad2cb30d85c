import { readFileSync } from 'node:fs';
import { parseTenancy } from '../../src/domain/tenancy/parse-tenancy.js';
import type { Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';

/** `examples/tenancy.yaml`, parsed and checked: the seeds' own examples. */
export function exampleModel(): Tenancy {
  const url = new URL('../../examples/tenancy.yaml', import.meta.url);
  return parseTenancy(readFileSync(url, 'utf8'), { source: 'examples/tenancy.yaml' }).model;
}

/** Seed 000's own list: the ten groups of teams koa and ai, Grafana and Argo CD write. */
export const SEED_000_GROUPS = [
  'koa-dev-grafana-write',
  'koa-dev-argocd-write',
  'koa-test-grafana-write',
  'koa-test-argocd-write',
  'koa-prod-grafana-write',
  'koa-prod-argocd-write',
  'ai-test-grafana-write',
  'ai-test-argocd-write',
  'ai-prod-grafana-write',
  'ai-prod-argocd-write',
];

import { readFileSync } from 'node:fs';
import { parseTenancy } from '../../src/domain/tenancy/parse-tenancy.js';
import type { Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';

/** `examples/tenancy.yaml`, parsed and checked: the seeds' own examples. */
export function exampleModel(): Tenancy {
  const url = new URL('../../examples/tenancy.yaml', import.meta.url);
  return parseTenancy(readFileSync(url, 'utf8'), { source: 'examples/tenancy.yaml' }).model;
}

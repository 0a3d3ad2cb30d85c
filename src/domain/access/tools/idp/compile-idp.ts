import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the idp generator lands. */
export function compileIdp(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'idp', files: [], grants: [] };
}

import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the aws generator lands. */
export function compileAws(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'aws', files: [], grants: [] };
}

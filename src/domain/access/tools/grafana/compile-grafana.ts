import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';

/** Placeholder until the grafana generator lands. */
export function compileGrafana(graph: AccessGraph): ToolOutput {
  void graph;
  return { tool: 'grafana', files: [], grants: [] };
}

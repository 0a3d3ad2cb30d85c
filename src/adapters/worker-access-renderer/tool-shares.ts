import { OUTPUT_TOOLS, type OutputTool } from '../../domain/access/access-output.js';

/**
 * Relative cost of each generator (ms at bench/access.js's 2,000 teams, graph excluded):
 * only the balance between the shares depends on them, never the output.
 */
const COST: Readonly<Record<OutputTool, number>> = {
  idp: 394,
  keycloak: 541,
  kubernetes: 873,
  argocd: 699,
  grafana: 263,
  sonarqube: 2,
  nexus: 1,
  gerrit: 298,
  aws: 828,
  github: 414,
};

/**
 * Splits the tools into at most `count` disjoint, non-empty shares of about equal cost
 * (longest first, each to the lightest share), every tool in exactly one. Deterministic.
 */
export function toolShares(count: number): OutputTool[][] {
  if (!Number.isInteger(count) || count < 1) throw new TypeError(`share count ${count}`);
  const shares = Array.from({ length: Math.min(count, OUTPUT_TOOLS.length) }, () => ({
    cost: 0,
    tools: [] as OutputTool[],
  }));
  const byCost = [...OUTPUT_TOOLS].sort((a, b) => COST[b] - COST[a]);
  for (const tool of byCost) {
    const lightest = shares.reduce((min, share) => (share.cost < min.cost ? share : min));
    lightest.cost += COST[tool];
    lightest.tools.push(tool);
  }
  return shares.map((share) => share.tools);
}

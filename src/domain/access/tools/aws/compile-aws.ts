import type { AccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { compareText } from '../../serialize.js';
import { awsContext, hasAws, type AwsSink } from './aws-context.js';
import { AWS_PATHS } from './aws-names.js';
import { awsReadme } from './docs.js';
import { ecrAccess, emitEcr, emitRepositories, sharedRepositories } from './ecr.js';
import { clusterAccess, emitCluster } from './eks.js';
import { emitSecrets, secretsAccess } from './secrets.js';
import { TerraformProject } from './terraform.js';

/**
 * The AWS generator (seeds 000 and 002): Secrets Manager roles for teams' GitHub Actions,
 * ECR repositories in the shared registry with per-account pull and per-team push, and EKS
 * cluster-admin and namespace-limited roles mapped through access entries and/or aws-auth.
 * Writes IAM and ECR policy documents as JSON, one Terraform root module that applies
 * exactly those documents, aws-auth ConfigMaps and a README; nothing when the model has no
 * `aws` section. Pure and deterministic: files and grants come out sorted.
 */
export function compileAws(graph: AccessGraph): ToolOutput {
  const settings = graph.model.aws;
  if (!settings) return { tool: 'aws', files: [], grants: [] };
  const context = awsContext(settings);
  const products = graph.products
    .map((access) => access.product)
    .filter(hasAws)
    .sort((a, b) => compareText(a.name, b.name));
  const project = new TerraformProject(context.region, context.oidcHost);
  const sink: AwsSink = { files: [], grants: [] };

  const secrets = products.flatMap((product) => secretsAccess(context, product) ?? []);
  for (const access of secrets) emitSecrets(access, project, sink);

  const ecr = products.flatMap((product) => ecrAccess(context, product) ?? []);
  for (const access of ecr) emitEcr(context, access, project, sink);
  const shared = sharedRepositories(context, products);
  emitRepositories(context, shared, AWS_PATHS.clustersTerraform, undefined, project, sink);

  const clusters = clusterAccess(context, products);
  for (const access of clusters) emitCluster(access, project, sink);

  sink.files.push(...project.render());
  if (sink.files.length > 0)
    sink.files.push(awsReadme({ context, clusters, secrets, ecr, shared }));
  return {
    tool: 'aws',
    files: [...sink.files].sort((a, b) => compareText(a.path, b.path)),
    grants: [...sink.grants].sort(
      (a, b) =>
        compareText(a.file, b.file) ||
        compareText(a.subject.name, b.subject.name) ||
        compareText(a.permission, b.permission),
    ),
  };
}

import { claimKey, MAX_CLAIM_BYTES, stemOf } from '../../app/claim-reading.js';
import { loadConfig } from '../../config/load-config.js';
import { ENV_VARS } from '../../config/env-vars.js';
import type { Claim } from '../../domain/claims/claim-schema.js';
import { InputError, UnavailableError } from '../../domain/errors.js';
import { formatTimestamp } from '../../domain/shared/timestamp.js';
import {
  claimsOfDefinitions,
  type FileProblem,
} from '../../domain/static-environments/definition-set.js';
import { planPublish, type PublishPlan } from '../../domain/static-environments/publish-plan.js';
import type { Provenance } from '../../domain/static-environments/static-claim.js';
import { STATIC_BUCKET, type ClaimStore } from '../../ports/claim-store.js';
import { applyPlan, encodeClaim, readCurrent, type ApplyResult } from './bucket-sync.js';
import { EXIT_FAILURE, EXIT_OK } from '../report-error.js';
import { readDefinitionFiles } from './environment-files.js';
import { readCheckout } from './git-checkout.js';
import { resolveProvenance, type ProvenanceFlags } from './provenance.js';

export interface StaticPublishOptions extends ProvenanceFlags {
  readonly config?: string | undefined;
  readonly dryRun?: boolean | undefined;
}

export interface PublishIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly now: () => Date;
}

const processIo: PublishIo = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
};

/**
 * `platformctl static publish DIR`: makes the `static-environments` bucket hold exactly the
 * definitions of the checkout at DIR (seed: "Claim File Creation Process", "Cleanup").
 * Every file is validated before anything is read from the store; one invalid file and
 * nothing is written. Returns 0, or 1 for invalid files or refused writes; anything else
 * is thrown for the CLI's one handler (report-error.ts): `InputError` exits 2 (usage,
 * config), `UnavailableError` 5 (the store is unreachable).
 */
export async function staticPublish(
  dir: string,
  options: StaticPublishOptions,
  io: PublishIo = processIo,
): Promise<number> {
  try {
    return await publish(dir, options, io);
  } catch (error) {
    if (!(error instanceof UnavailableError)) throw error;
    // Writes already made stay; each is a claim in its final form, and a re-run
    // (`retry: exit_codes: [5]`) plans from what is there and finishes the rest.
    throw new UnavailableError(`the store is unreachable; re-run to finish: ${error.message}`, {
      cause: error,
    });
  }
}

async function publish(dir: string, options: StaticPublishOptions, io: PublishIo): Promise<number> {
  const configPath = options.config ?? io.env[ENV_VARS.config];
  if (configPath === undefined || configPath.trim() === '') {
    throw new InputError(
      `--config (or ${ENV_VARS.config}) is required: the platform config names the store`,
    );
  }
  const config = await loadConfig({ configPath, env: io.env });
  const files = await readDefinitionFiles(dir);
  const checkout = await readCheckout(dir);
  const provenance = resolveProvenance({
    flags: options,
    env: io.env,
    checkout,
    now: formatTimestamp(io.now()),
  });
  if (checkout.uncommitted !== undefined && checkout.uncommitted.length > 0) {
    // The claims would name a commit that does not hold what they say.
    io.err(
      `platformctl: refused: uncommitted changes in the checkout: ${checkout.uncommitted.join(', ')}`,
    );
    return EXIT_FAILURE;
  }

  const defined = claimsOfDefinitions(files, provenance, config.catalogue);
  const problems = 'problems' in defined ? [...defined.problems] : [];
  // The server refuses to read back a claim over its limit: refused here, before any write.
  for (const claim of 'claims' in defined ? defined.claims : []) {
    const bytes = encodeClaim(claim).byteLength;
    if (bytes > MAX_CLAIM_BYTES) problems.push(tooLarge(files, claim, bytes));
  }
  if (problems.length > 0 || !('claims' in defined)) {
    for (const problem of problems) io.err(`${problem.file}: ${problem.path}: ${problem.message}`);
    io.err(
      `platformctl: ${count(problems.length, 'problem')} in ${new Set(problems.map((p) => p.file)).size} of ${count(files.length, 'file')}; nothing was published`,
    );
    return EXIT_FAILURE;
  }

  const store = await openStore(config, options.dryRun === true);
  const plan = planPublish(
    defined.claims.map((claim) => ({ key: claimKey(claim.environment_name), claim })),
    await readCurrent(store),
  );
  for (const line of planLines(plan)) io.out(line);
  if (options.dryRun === true) {
    io.out(`dry run: nothing written to ${STATIC_BUCKET}`);
    return EXIT_OK;
  }
  const result = await applyPlan(store, plan);
  for (const line of result.refused) io.err(`refused: ${line}`);
  io.out(summary(result, plan.unchanged.length, provenance));
  return result.refused.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

async function openStore(
  config: Awaited<ReturnType<typeof loadConfig>>,
  readOnly: boolean,
): Promise<ClaimStore> {
  const { openStaticStore } = await import('./static-store.js');
  return openStaticStore(config, { readOnly });
}

function tooLarge(files: readonly { path: string }[], claim: Claim, bytes: number): FileProblem {
  const name = claim.environment_name;
  const file =
    files.find((f) => f.path.replace(/^.*\//, '').replace(/\.[^.]*$/, '') === name)?.path ?? name;
  return {
    file,
    path: '(root)',
    message: `the claim would be ${bytes} bytes; a claim may be at most ${MAX_CLAIM_BYTES}`,
  };
}

/** One line per create, update and delete, then the count of unchanged claims. */
export function planLines(plan: PublishPlan): string[] {
  return [
    ...plan.create.map(({ key }) => `create ${stemOf(key)}`),
    ...plan.update.map(({ key }) => `update ${stemOf(key)}`),
    ...plan.remove.map(({ key }) => `delete ${stemOf(key)}`),
    `unchanged: ${plan.unchanged.length}`,
  ];
}

function summary(result: ApplyResult, unchanged: number, provenance: Provenance): string {
  const refused = result.refused.length;
  return (
    `${STATIC_BUCKET}: ${result.created} created, ${result.updated} updated, ` +
    `${result.deleted} deleted, ${unchanged} unchanged${refused > 0 ? `, ${refused} refused` : ''} ` +
    `(${provenance.repository} ${provenance.branch} ${provenance.commit.slice(0, 12)})`
  );
}

function count(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

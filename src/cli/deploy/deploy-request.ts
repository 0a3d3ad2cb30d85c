import type { z } from 'zod';
import { claimCreateSchema } from '../../domain/claims/claim-schema.js';
import { InputError } from '../../domain/errors.js';
import { toFieldErrors } from '../../domain/shared/zod-errors.js';
import { parseServiceArgs } from '../client/service-args.js';
import { readInputFile } from '../read-input-file.js';

/**
 * The seed's `deploy_environment` payload: any of the create request's own fields, checked
 * by the same schema the server parses a create with (unknown fields refused).
 */
const deployPayloadSchema = claimCreateSchema
  .pick({
    environment_name: true,
    environment_type: true,
    environment_pool: true,
    services: true,
    deploy_only_specified: true,
    use_dev_tags: true,
  })
  .partial();

type DeployPayload = z.infer<typeof deployPayloadSchema>;

export interface DeployFlags {
  readonly environment?: string | undefined;
  readonly services?: readonly string[] | undefined;
  readonly type?: string | undefined;
  readonly pool?: string | undefined;
  readonly payload?: string | undefined;
  readonly file?: string | undefined;
  readonly deployOnlySpecified?: boolean | undefined;
  readonly useDevTags?: boolean | undefined;
}

export interface DeployRequest {
  readonly name: string;
  readonly type?: string | undefined;
  readonly pool?: string | undefined;
  readonly services: Record<string, unknown>;
  readonly deployOnlySpecified?: boolean | undefined;
  readonly useDevTags?: boolean | undefined;
}

function asPayload(value: unknown, where: string): DeployPayload {
  const parsed = deployPayloadSchema.safeParse(value);
  if (!parsed.success)
    throw new InputError(`${where} is not a usable request`, toFieldErrors(parsed.error));
  return parsed.data;
}

/**
 * The request from `--file` (JSON or YAML), then `--payload` over it, then the flags over
 * both: the seed's override mode, where a payload is a base the command line refines.
 */
export async function deployRequestOf(flags: DeployFlags): Promise<DeployRequest> {
  let base: DeployPayload = {};
  if (flags.file !== undefined) {
    const text = await readInputFile(flags.file, 'deployment file');
    const { parse } = await import('yaml');
    let parsed: unknown;
    try {
      parsed = parse(text); // YAML is a superset of JSON
    } catch (error) {
      throw new InputError(`${flags.file} is neither JSON nor YAML: ${(error as Error).message}`);
    }
    base = asPayload(parsed, flags.file);
  }
  if (flags.payload !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.payload) as unknown;
    } catch (error) {
      throw new InputError(`--payload is not JSON: ${(error as Error).message}`);
    }
    const payload = asPayload(parsed, '--payload');
    base = { ...base, ...payload, services: { ...base.services, ...payload.services } };
  }
  const name = flags.environment ?? base.environment_name;
  if (name === undefined) {
    throw new InputError(
      'which environment? pass --environment NAME (or environment_name in the payload)',
    );
  }
  return {
    name,
    type: flags.type ?? base.environment_type,
    pool: flags.pool ?? base.environment_pool,
    services: { ...base.services, ...parseServiceArgs(flags.services ?? []) },
    deployOnlySpecified: flags.deployOnlySpecified ?? base.deploy_only_specified,
    useDevTags: flags.useDevTags ?? base.use_dev_tags,
  };
}

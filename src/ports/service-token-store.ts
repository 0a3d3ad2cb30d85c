import type { ServiceTokenRecord } from '../domain/service-tokens/service-token-schema.js';

/**
 * Where service tokens are kept: by id, with the SHA-256 of the token and never the token.
 * Every method returns copies; changing one changes nothing stored.
 */
export interface ServiceTokenStore {
  /** The record with this id, or `undefined`. Called on every request a service token makes. */
  get(id: string): Promise<ServiceTokenRecord | undefined>;
  /** Every record, revoked and expired ones included, in creation order. */
  list(): Promise<ServiceTokenRecord[]>;
  /** Stores a new record. Throws `ConflictError` if its id is taken. */
  create(record: ServiceTokenRecord): Promise<void>;
  /**
   * Replaces the record with `change(current)`, atomically with respect to other changes
   * made through this store. Returns the new record, or `undefined` if there is no such id
   * (then `change` is not called). The id must not change.
   */
  update(
    id: string,
    change: (current: ServiceTokenRecord) => ServiceTokenRecord,
  ): Promise<ServiceTokenRecord | undefined>;
}

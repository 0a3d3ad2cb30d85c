import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';

/** A Cedar value the residual compiler knows: what `Value` nodes and entity data hold. */
export type Value = boolean | number | string | EntityValue | Value[] | { [key: string]: Value };

/** A class, so no Cedar record (`{entity: …}`) can ever be mistaken for an entity. */
export class EntityValue {
  readonly key: string;
  constructor(
    readonly type: string,
    readonly id: string,
  ) {
    this.key = `${type}::${id}`;
  }
}

/** The residual uses something the compiler does not evaluate exactly; Cedar decides. */
export class UnsupportedResidualError extends Error {}

export const isEntity = (value: Value): value is EntityValue => value instanceof EntityValue;
export const isRecord = (value: Value): value is { [key: string]: Value } =>
  typeof value === 'object' && !Array.isArray(value) && !isEntity(value);

export function fromJson(value: CedarValueJson): Value {
  if (value === null) throw new UnsupportedResidualError('null value');
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object') {
    if ('__entity' in value) {
      const ref = value.__entity as { type: string; id: string };
      return new EntityValue(ref.type, ref.id);
    }
    if ('__extn' in value) throw new UnsupportedResidualError('extension value');
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fromJson(inner)]));
  }
  return value;
}

/** Cedar's `==` on known values: sets compare as sets, records field by field. */
export function equal(left: Value, right: Value): boolean {
  if (isEntity(left) || isEntity(right))
    return isEntity(left) && isEntity(right) && left.key === right.key;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right)) return false;
    return (
      left.every((l) => right.some((r) => equal(l, r))) &&
      right.every((r) => left.some((l) => equal(l, r)))
    );
  }
  if (typeof left === 'object' || typeof right === 'object') {
    if (typeof left !== 'object' || typeof right !== 'object') return false;
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => key in right && equal(left[key] as Value, right[key] as Value))
    );
  }
  return left === right;
}

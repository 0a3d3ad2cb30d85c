import type { WhoAmI } from '../../session/who-am-i.js';
import { Field } from '../../components/field.js';
import { poolsFor } from './pools.js';

/**
 * The pools `GET /api/v1/me` says the caller may create the chosen type in; free text
 * (with those as suggestions) when the type is in `create_any_pool`.
 */
export function PoolField({
  me,
  type,
  value,
  error,
  onChange,
}: {
  me: WhoAmI;
  type: string;
  value: string;
  error: string | undefined;
  onChange: (pool: string) => void;
}) {
  const pools = poolsFor(me, type);
  const anyPool = type !== '' && me.create_any_pool.includes(type);
  if (anyPool) {
    return (
      <Field
        id="create-pool"
        label="Pool"
        error={error}
        hint="You may create this type in any pool: pick one or type a name."
      >
        {(aria) => (
          <>
            <input
              {...aria}
              list="create-pool-options"
              value={value}
              autocomplete="off"
              spellcheck={false}
              onInput={(event) => onChange(event.currentTarget.value)}
            />
            <datalist id="create-pool-options">
              {pools.map((pool) => (
                <option key={pool} value={pool} />
              ))}
            </datalist>
          </>
        )}
      </Field>
    );
  }
  return (
    <Field
      id="create-pool"
      label="Pool"
      error={error}
      hint={
        type === ''
          ? 'Choose a type first.'
          : pools.length === 0
            ? 'You may not create this type in any pool.'
            : undefined
      }
    >
      {(aria) => (
        <select
          {...aria}
          value={value}
          disabled={pools.length === 0}
          onChange={(event) => onChange(event.currentTarget.value)}
        >
          <option value="">Choose a pool</option>
          {pools.map((pool) => (
            <option key={pool} value={pool}>
              {pool}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

import {
  serviceNameKey,
  serviceRowKey,
  serviceVersionKey,
  type FieldKey,
  type ServiceDraft,
} from './claim-draft.js';

/**
 * The services editor: one row per service (name and version constraint), rows added
 * and removed by button. Each input carries its own error; a server error about a whole
 * service (`services.<name>`) is shown under its row.
 */
export function ServicesField({
  rows,
  errorOf,
  onChange,
  newRow,
}: {
  rows: readonly ServiceDraft[];
  errorOf: (key: FieldKey) => string | undefined;
  onChange: (rows: ServiceDraft[], touched: FieldKey[]) => void;
  newRow: () => ServiceDraft;
}) {
  const servicesError = errorOf('services');
  const update = (row: ServiceDraft, next: Partial<ServiceDraft>, key: FieldKey) =>
    onChange(
      rows.map((candidate) => (candidate.key === row.key ? { ...candidate, ...next } : candidate)),
      [key, serviceRowKey(row), 'services'],
    );
  return (
    <fieldset class="services-editor" aria-describedby="services-hint">
      <legend>Services</legend>
      <p id="services-hint" class="hint">
        A service name and its version: a tag (v1.2.3) or a constraint, as the type allows. Services
        you leave out get the catalogue's default for the type.
      </p>
      {servicesError !== undefined && (
        <p class="field-error" role="alert">
          {servicesError}
        </p>
      )}
      {rows.map((row, index) => {
        const n = index + 1;
        const nameError = errorOf(serviceNameKey(row));
        const versionError = errorOf(serviceVersionKey(row));
        const rowError = errorOf(serviceRowKey(row));
        const rowErrorId = `service-${row.key}-error`;
        const describe = (own: string | undefined, ownId: string) =>
          [own === undefined ? '' : ownId, rowError === undefined ? '' : rowErrorId]
            .filter(Boolean)
            .join(' ') || undefined;
        return (
          <div class="service-row" key={row.key}>
            <div class="field">
              <label for={`service-${row.key}-name`}>Service {n} name</label>
              <input
                id={`service-${row.key}-name`}
                value={row.name}
                autocomplete="off"
                spellcheck={false}
                aria-invalid={nameError !== undefined || rowError !== undefined ? true : undefined}
                aria-describedby={describe(nameError, `service-${row.key}-name-error`)}
                onInput={(event) =>
                  update(row, { name: event.currentTarget.value }, serviceNameKey(row))
                }
              />
              {nameError !== undefined && (
                <p id={`service-${row.key}-name-error`} class="field-error" role="alert">
                  {nameError}
                </p>
              )}
            </div>
            <div class="field">
              <label for={`service-${row.key}-version`}>Service {n} version</label>
              <input
                id={`service-${row.key}-version`}
                value={row.version}
                autocomplete="off"
                spellcheck={false}
                aria-invalid={
                  versionError !== undefined || rowError !== undefined ? true : undefined
                }
                aria-describedby={describe(versionError, `service-${row.key}-version-error`)}
                onInput={(event) =>
                  update(row, { version: event.currentTarget.value }, serviceVersionKey(row))
                }
              />
              {versionError !== undefined && (
                <p id={`service-${row.key}-version-error`} class="field-error" role="alert">
                  {versionError}
                </p>
              )}
            </div>
            <button
              type="button"
              class="remove"
              onClick={() =>
                onChange(
                  rows.filter((candidate) => candidate.key !== row.key),
                  ['services'],
                )
              }
            >
              Remove service {n}
            </button>
            {rowError !== undefined && (
              <p id={rowErrorId} class="field-error row-error" role="alert">
                {rowError}
              </p>
            )}
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...rows, newRow()], [])}>
        Add a service
      </button>
    </fieldset>
  );
}

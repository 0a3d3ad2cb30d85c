import { InputError } from '../../domain/errors.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'name'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The global display flags of client commands. */
export interface DisplayOptions {
  readonly output?: string | undefined;
  /** `--no-color` sets this false; absent means "decide from the terminal and NO_COLOR". */
  readonly color?: boolean | undefined;
  readonly quiet?: boolean | undefined;
}

/** Where a client command writes; tests and non-terminals get plain text. */
export interface Terminal {
  readonly write: (text: string) => void;
  readonly info: (text: string) => void;
  readonly isTTY: boolean;
  readonly columns: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

export const processTerminal = (): Terminal => ({
  write: (text) => void process.stdout.write(text),
  info: (text) => void process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  env: process.env,
  now: () => new Date(),
});

export function outputFormat(options: DisplayOptions): OutputFormat {
  const format = options.output ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}; got '${format}'`);
  }
  return format as OutputFormat;
}

/** Colour only on a terminal, never with `--no-color` or `NO_COLOR` (https://no-color.org). */
export function useColor(options: DisplayOptions, terminal: Terminal): boolean {
  if (options.color === false) return false;
  if ((terminal.env.NO_COLOR ?? '') !== '') return false;
  return terminal.isTTY;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;
export type Paint = (text: string, colour: Colour) => string;

export const painter =
  (enabled: boolean): Paint =>
  (text, colour) =>
    enabled ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;

const UNITS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1_000, 's'],
];

/** `7_200_000` → `2h`; `90_000_000` → `1d1h`: the two largest units, as people say it. */
export function shortDuration(ms: number): string {
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.join('') || '0s';
}

/** `expires in 3h`, `expired 5m ago`, `never`. */
export function expiresText(expiresAt: string | null | undefined, now: Date): string {
  if (!expiresAt) return 'never';
  const delta = Date.parse(expiresAt) - now.getTime();
  return delta >= 0 ? `in ${shortDuration(delta)}` : `expired ${shortDuration(delta)} ago`;
}

/** `3h ago`, `in 5m`. */
export function relativeTime(at: string | null | undefined, now: Date): string {
  if (!at) return '-';
  const delta = Date.parse(at) - now.getTime();
  return delta > 0 ? `in ${shortDuration(delta)}` : `${shortDuration(delta)} ago`;
}

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  readonly colour?: (row: T) => Colour | undefined;
  /** May be cut to make the table fit the terminal (the last such column is cut first). */
  readonly shrink?: boolean;
}

// eslint-disable-next-line no-control-regex -- measuring text without its colour codes
const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (text: string): number => text.replace(ANSI, '').length;

/**
 * A table as kubectl prints one: upper-case headers, columns two spaces apart, no borders.
 * On a terminal it fits its width: shrinkable columns are cut with `…`.
 */
export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: { width?: number | undefined; paint: Paint },
): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  if (options.width !== undefined) {
    const total = () => widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
    for (let i = columns.length - 1; i >= 0 && total() > options.width; i--) {
      if (!columns[i]?.shrink) continue;
      const minimum = Math.max(6, columns[i]?.header.length ?? 0);
      widths[i] = Math.max(minimum, (widths[i] ?? 0) - (total() - options.width));
    }
  }
  const cut = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  const line = (values: readonly string[], paintCell?: (i: number, text: string) => string) =>
    values
      .map((value, i) => {
        const width = widths[i] ?? 0;
        const text = cut(value, width);
        const painted = paintCell ? paintCell(i, text) : text;
        return i === values.length - 1 ? painted : painted + ' '.repeat(width - visible(text));
      })
      .join('  ')
      .trimEnd();
  const header = line(columns.map((column) => column.header));
  const body = rows.map((row, r) =>
    line(cells[r] ?? [], (i, text) => {
      const colour = columns[i]?.colour?.(row);
      return colour ? options.paint(text, colour) : text;
    }),
  );
  return [header, ...body].join('\n') + '\n';
}

/** JSON or YAML of a document, for `-o json|yaml`. YAML is loaded only when asked for. */
export async function serialise(document: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  const { stringify } = await import('yaml');
  return stringify(document);
}

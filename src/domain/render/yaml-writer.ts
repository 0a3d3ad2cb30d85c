import { toYaml, toYamlDocuments } from '../access/serialize.js';

/** What the renderer writes YAML with: `YamlWriter`, or `PLAIN_YAML` (js-yaml each time). */
export interface YamlOutput {
  writeDocuments(values: readonly unknown[]): string;
}

/** js-yaml for every document: the baseline `YamlWriter` is measured against (bench/versions). */
export const PLAIN_YAML: YamlOutput = { writeDocuments: (values) => toYamlDocuments(values) };

// js-yaml writes a mapping key longer than this as an explicit `? key` pair.
const MAX_IMPLICIT_KEY = 1024;

/**
 * Writes the same bytes as `toYaml` (js-yaml) for block mappings and sequences of strings,
 * integers and booleans, faster when one render repeats the same strings many times (label
 * keys and values, names, namespaces): js-yaml decides each scalar's quoting anew, this
 * decides it once per distinct string — by asking js-yaml — and lays out the blocks itself.
 * Anything else (multi-line strings, nested sequences, other types) falls back to `toYaml`
 * for the whole value, so the output is always js-yaml's. One writer per render: the cache
 * holds that render's strings only.
 */
export class YamlWriter {
  readonly #scalars = new Map<string, string | null>();

  /** `toYaml(value)`, byte for byte. */
  write(value: unknown): string {
    return this.tryWrite(value) ?? toYaml(value);
  }

  /** `toYaml(value)` when this writer can lay it out itself; `undefined` when js-yaml must. */
  tryWrite(value: unknown): string | undefined {
    return isMapping(value) && Object.keys(value).length > 0 ? this.#mapping(value, '') : undefined;
  }

  /** Several documents, as `toYamlDocuments` writes them. */
  writeDocuments(values: readonly unknown[]): string {
    return values.map((value) => this.write(value)).join('---\n');
  }

  #string(value: string): string | undefined {
    let text = this.#scalars.get(value);
    if (text === undefined) {
      const dumped = toYaml(value).slice(0, -1);
      // A block scalar (`|-`) would need re-indenting at its depth: leave those to js-yaml.
      text = dumped.includes('\n') ? null : dumped;
      this.#scalars.set(value, text);
    }
    return text ?? undefined;
  }

  #scalar(value: unknown): string | undefined {
    if (typeof value === 'string') return this.#string(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0))
      return String(value);
    return undefined;
  }

  /** The text after `key:` — ` scalar`, ` []`, ` {}`, or a nested block — with its newline. */
  #afterKey(value: unknown, indent: string): string | undefined {
    if (Array.isArray(value)) {
      if (value.length === 0) return ' []\n';
      const body = this.#sequence(value, `${indent}  `);
      return body === undefined ? undefined : `\n${body}`;
    }
    if (isMapping(value)) {
      if (Object.keys(value).length === 0) return ' {}\n';
      const body = this.#mapping(value, `${indent}  `);
      return body === undefined ? undefined : `\n${body}`;
    }
    const text = this.#scalar(value);
    return text === undefined ? undefined : ` ${text}\n`;
  }

  #mapping(value: Record<string, unknown>, indent: string): string | undefined {
    let text = '';
    for (const key of Object.keys(value)) {
      const keyText = this.#string(key);
      if (keyText === undefined || keyText.length > MAX_IMPLICIT_KEY) return undefined;
      const rest = this.#afterKey(value[key], indent);
      if (rest === undefined) return undefined;
      text += `${indent}${keyText}:${rest}`;
    }
    return text;
  }

  #sequence(items: readonly unknown[], indent: string): string | undefined {
    let text = '';
    for (const item of items) {
      if (isMapping(item)) {
        if (Object.keys(item).length === 0) {
          text += `${indent}- {}\n`;
          continue;
        }
        // A mapping item starts on the dash line: `- key: value`, the rest aligned below.
        const body = this.#mapping(item, `${indent}  `);
        if (body === undefined) return undefined;
        text += `${indent}- ${body.slice(indent.length + 2)}`;
        continue;
      }
      const scalar = Array.isArray(item) ? undefined : this.#scalar(item);
      if (scalar === undefined) return undefined;
      text += `${indent}- ${scalar}\n`;
    }
    return text;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

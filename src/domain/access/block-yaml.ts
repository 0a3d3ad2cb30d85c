import { dump, type DumpOptions } from 'js-yaml';

/** The options every generated YAML file is written with (see `toYaml`). */
export const YAML_OPTIONS: DumpOptions = { noRefs: true, lineWidth: -1, quotingType: '"' };

/** Thrown inside {@link blockYaml} for a value it leaves to js-yaml (one instance: no stacks). */
const UNSUPPORTED = new Error('left to js-yaml');

/**
 * Strings js-yaml writes plain in block context: a letter first (which rules out every
 * number, timestamp and indicator), then printable ASCII without `#` (a comment after a
 * space) and without `: ` (a key), never a space last. A `:` last is caught by the
 * lookahead, which wants a character after every colon. The words below are the rest.
 */
const PLAIN = /^[A-Za-z](?:[ !"$-9;-~]|:(?=[^ ]))*(?<! )$/;
/** YAML 1.1 null and booleans, in any case (js-yaml's compat mode quotes `yes`, `on`, …). */
const WORDS = new Set(['null', 'true', 'false', 'y', 'n', 'yes', 'no', 'on', 'off']);
/** Lines js-yaml writes as a literal block (`|`): printable ASCII, nothing to escape. */
const LITERAL = /^[\n -~]*$/;

const INDENTS: string[] = [];
const newline = (level: number): string => (INDENTS[level] ??= `\n${'  '.repeat(level)}`);

function scalar(text: string): string {
  if (PLAIN.test(text) && (text.length > 5 || !WORDS.has(text.toLowerCase()))) return text;
  // A multi-line string's block style depends on its indentation: see `stringValue`.
  if (text.includes('\n')) throw UNSUPPORTED;
  // One line is written the same wherever it stands (no folding: lineWidth -1).
  return dump(text, YAML_OPTIONS).slice(0, -1);
}

/**
 * A string value at `level`: a multi-line one as js-yaml's literal block, `|` with its
 * chomping indicator (and an indentation indicator when the first line starts with a
 * space), every non-empty line indented by the level, the last line break dropped.
 */
function stringValue(text: string, level: number): string {
  if (!text.includes('\n')) return scalar(text);
  if (!LITERAL.test(text)) throw UNSUPPORTED;
  const clip = text.endsWith('\n');
  const keep = clip && (text.length === 1 || text.charCodeAt(text.length - 2) === 10);
  const header = `|${/^\n* /.test(text) ? '2' : ''}${keep ? '+' : clip ? '' : '-'}\n`;
  const body = text.replace(/^(?!$)/gm, '  '.repeat(Math.max(1, level)));
  return header + (clip ? body.slice(0, -1) : body);
}

/** js-yaml's writeNode for block style, indent 2, no refs; undefined: the pair is left out. */
function node(value: unknown, level: number, compact: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringValue(value, level);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
      throw UNSUPPORTED;
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return value.length === 0 ? '[]' : sequence(value, level, compact);
      if (Object.prototype.toString.call(value) === '[object Object]')
        return mapping(value as Record<string, unknown>, level, compact);
      throw UNSUPPORTED;
    default:
      throw UNSUPPORTED;
  }
}

function sequence(items: readonly unknown[], level: number, compact: boolean): string {
  let out = '';
  for (const item of items) {
    const text = node(item ?? null, level + 1, true) as string;
    if (!compact || out !== '') out += newline(level);
    out += text.charCodeAt(0) === 10 ? '-' : '- ';
    out += text;
  }
  return out;
}

function mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  let out = '';
  for (const key of keys) {
    const text = node(object[key], level + 1, false);
    if (text === undefined) continue;
    const name = key === '' ? '""' : scalar(key);
    // js-yaml writes keys this long as explicit `? key` pairs.
    if (name.length > 1024) throw UNSUPPORTED;
    if (!compact || out !== '') out += newline(level);
    out += name;
    out += text.charCodeAt(0) === 10 ? ':' : ': ';
    out += text;
  }
  return out === '' ? '{}' : out;
}

/**
 * `dump(value, YAML_OPTIONS)`, byte for byte, several times faster on the documents the
 * generators build (plain objects, arrays, strings, safe integers, booleans, null): it
 * follows js-yaml's block layout and decides only the obviously plain strings itself,
 * asking js-yaml for every other scalar. Anything else (multi-line strings, floats, dates,
 * class instances) is written by js-yaml whole.
 */
export function blockYaml(value: unknown): string {
  try {
    const text = node(value, 0, true);
    // Joined, not concatenated: the text is a tree of every piece appended above, and a
    // file's content lives through the render (the collector would copy each piece twice
    // and the file's reader would flatten it later); a join copies it once into one string.
    if (text !== undefined) return [text, '\n'].join('');
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
  }
  return dump(value, YAML_OPTIONS);
}

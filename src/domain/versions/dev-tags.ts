import { InputError } from '../errors.js';
import { parseConstraint, type Bound, type Constraint } from './constraint.js';
import type { Resolution } from './resolve.js';
import { createTagIndex, type TagIndex, type TagMatching } from './tag-index.js';
import { compareVersions, isPreRelease, type Version } from './version.js';

/**
 * Which tags a resolution picks from: `dev` is the seed's `--use-dev-tags`. `pattern` is
 * the source of a regular expression (no flags) that dev tags match, for both streams (the
 * release stream is every tag it does not match); it defaults to `DEFAULT_DEV_TAG_PATTERN`.
 */
export interface TagStream {
  readonly kind: 'release' | 'dev';
  readonly pattern?: string;
}

/**
 * A version whose pre-release starts with `dev` or `snapshot` (either case), then `.`,
 * `-`, a digit or the end: `1.4.0-dev.7`, `v1.4.0-dev7`, `1.4.0-SNAPSHOT`,
 * `1.4.0-snapshot.20240105`; not `1.4.0-devops` nor `1.4.0-rc.1`.
 */
export const DEFAULT_DEV_TAG_PATTERN =
  '^v?\\d+(?:\\.\\d+){2,3}-(?:dev|DEV|snapshot|SNAPSHOT)(?:[.\\d-]|$)';

/**
 * Compiles a dev tag pattern (default `DEFAULT_DEV_TAG_PATTERN`), or throws `InputError`
 * at `path` when the source is not a regular expression.
 */
export function devTagPattern(source = DEFAULT_DEV_TAG_PATTERN, path = 'devTagPattern'): RegExp {
  try {
    // No flags: a `g` or `y` flag would make `test` stateful.
    return new RegExp(source);
  } catch (error) {
    throw new InputError('Invalid dev tag pattern', [
      { path, message: `'${source}' is not a regular expression: ${(error as Error).message}` },
    ]);
  }
}

/** Whether the tag belongs to the dev stream of `pattern`. */
export function isDevTag(tag: string, pattern: RegExp = devTagPattern()): boolean {
  return pattern.test(tag);
}

/**
 * The tags of a stream, in the order given: for `dev`, those matching the pattern; for
 * `release`, the others, so dev builds never reach a release pick.
 * May throw `InputError` for a malformed pattern.
 */
export function selectTagStream(tags: readonly string[], stream: TagStream): string[] {
  const pattern = devTagPattern(stream.pattern);
  const dev = stream.kind === 'dev';
  return tags.filter((tag) => isDevTag(tag, pattern) === dev);
}

function core(version: Pick<Version, 'parts' | 'preRelease'>) {
  return { parts: version.parts, preRelease: [] };
}

/**
 * The dev stream's reading of a constraint: a dev tag stands for the release it builds
 * towards, so it is compared by its numeric core (`1.4.0-dev.7` as `1.4.0`): `1.x`, `*`
 * and `>=1.2, <2` accept it, `<1.4.0` does not. Only a bound that itself names a
 * pre-release compares whole versions (`>=1.4.0-dev.3` accepts `1.4.0-dev.5`, not
 * `1.4.0-dev.2`). Among equal cores, the version order decides: the highest pre-release
 * wins, and a release (if the pattern lets one in) beats its pre-releases.
 */
export const DEV_MATCHING: TagMatching = {
  compare(version, bound: Bound) {
    return compareVersions(isPreRelease(bound) ? version : core(version), bound);
  },
  satisfies(constraint: Constraint, version: Version) {
    switch (constraint.kind) {
      case 'any':
        return true;
      case 'anchored':
        // Not reached through `createStreamIndex`, which looks pins up among all tags.
        return version.tag.replace(/^v/, '') === constraint.version.tag.replace(/^v/, '');
      case 'pattern':
        return constraint.fixed.every((part, i) => version.parts[i] === part);
      case 'caret':
        return DEV_MATCHING.compare(version, constraint.bound) >= 0;
      case 'range':
        return constraint.comparators.every(({ operator, bound }) => {
          const order = DEV_MATCHING.compare(version, bound);
          if (operator === '<') return order < 0;
          if (operator === '<=') return order <= 0;
          if (operator === '>') return order > 0;
          if (operator === '>=') return order >= 0;
          return order === 0;
        });
    }
  },
  mayMatchPreRelease: () => true,
};

/**
 * An index over one stream of `tags` (see `README.md`, "Dev tags"):
 * - an anchored tag is a pin and is looked up among **all** tags, whatever the stream;
 * - `release`: every other constraint resolves as `resolveVersion` over the release tags;
 * - `dev`: every other constraint resolves over the dev tags by `DEV_MATCHING`; a miss says
 *   `no dev tag satisfies '…' among N dev tags (pattern /…/)`.
 * `size` is the number of tags given. May throw `InputError` for a malformed pattern.
 */
export function createStreamIndex(tags: readonly string[], stream: TagStream): TagIndex {
  const pattern = devTagPattern(stream.pattern);
  const all = createTagIndex(tags);
  const dev = stream.kind === 'dev';
  const picked = selectTagStream(tags, stream);
  const index = dev ? createTagIndex(picked, DEV_MATCHING) : createTagIndex(picked);
  return {
    size: tags.length,
    resolve(input) {
      const constraint = typeof input === 'string' ? parseConstraint(input) : input;
      if (constraint.kind === 'anchored') return all.resolve(constraint);
      const result = index.resolve(constraint);
      if (result.ok || !dev) return result;
      return {
        ok: false,
        reason: 'no-match',
        message: `no dev tag satisfies '${constraint.text}' among ${picked.length} dev tags (pattern /${pattern.source}/)`,
      };
    },
  };
}

/** `createStreamIndex(tags, stream).resolve(constraint)`, for a single resolution. */
export function resolveInStream(
  constraint: Constraint | string,
  tags: readonly string[],
  stream: TagStream,
): Resolution {
  return createStreamIndex(tags, stream).resolve(constraint);
}

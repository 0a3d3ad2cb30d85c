import { describe, expect, it } from 'vitest';
import { protoKeyProblem } from './proto-keys.js';

const check = (text: string) => protoKeyProblem(text, JSON.parse(text));

describe('protoKeyProblem', () => {
  it('finds a __proto__ key at any depth, in objects and arrays', () => {
    expect(check('{"services": {"__proto__": "v1", "a": "v2"}}')).toEqual({
      path: 'services.__proto__',
      message: "'__proto__' is not allowed as a field name",
    });
    expect(check('{"__proto__": {}}')?.path).toBe('__proto__');
    expect(check('{"a": [{"b": 1}, {"__proto__": 2}]}')?.path).toBe('a.1.__proto__');
  });

  it('lets everything else through, constructor and prototype included', () => {
    expect(check('{"services": {"constructor": "v1", "prototype": "v2"}}')).toBeUndefined();
    expect(check('{"note": "__proto__ in a value is just text"}')).toBeUndefined();
    expect(check('[1, 2]')).toBeUndefined();
  });
});

/**
 * Finds duplicate object keys in JSON text. `JSON.parse` keeps the last of two equal keys silently
 * (`{"amount":"1.00","amount":"90.00"}` moves 90.00), so a body whose meaning depends on which copy a
 * reader keeps is refused instead (issue 13). No package in node_modules does this (the usual answer,
 * a reviver, never sees the first copy), so this is a scanner of ~50 lines: it runs only on text
 * `JSON.parse` already accepted, so it only has to find structure, not report syntax errors.
 */

/** Bodies nested deeper than this are refused: no request of the API nests beyond 3, and it bounds the recursion. */
export const MAX_JSON_DEPTH = 64;

export type JsonKeyProblem = { kind: 'duplicate'; path: string } | { kind: 'too-deep' };

/**
 * The first duplicate key (as a dotted path, `details.firstName`, array items by index) in `text`, or a
 * nesting deeper than `MAX_JSON_DEPTH`; undefined when neither. `text` must be valid JSON.
 *
 * @example
 * findJsonKeyProblem('{"a":1,"a":2}') // { kind: 'duplicate', path: 'a' }
 */
export function findJsonKeyProblem(text: string): JsonKeyProblem | undefined {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const readString = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const value = (path: string, depth: number): JsonKeyProblem | undefined => {
    if (depth > MAX_JSON_DEPTH) return { kind: 'too-deep' };
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      const isObject = c === '{';
      const keys = new Set<string>();
      i++;
      skipSpace();
      if (text[i] === (isObject ? '}' : ']')) {
        i++;
        return undefined;
      }
      for (let index = 0; ; index++) {
        skipSpace();
        let childPath = join(path, String(index));
        if (isObject) {
          const key = readString();
          childPath = join(path, key);
          if (keys.has(key)) return { kind: 'duplicate', path: childPath };
          keys.add(key);
          skipSpace();
          i++; // the colon
        }
        const found = value(childPath, depth + 1);
        if (found) return found;
        skipSpace();
        if (text[i++] !== ',') return undefined; // the closing bracket
      }
    }
    if (c === '"') {
      readString();
      return undefined;
    }
    // A number, true, false or null: up to the next delimiter.
    while (i < text.length && !',]} \t\n\r'.includes(text[i] ?? '')) i++;
    return undefined;
  };
  return value('', 0);
}

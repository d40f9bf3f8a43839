// Redis's glob-style patterns (KEYS, SCAN MATCH): * ? [abc] [^a] [a-z] and backslash escapes, matched per byte.

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/;

function escapeRegex(char: string): string {
  return REGEX_SPECIAL.test(char) ? `\\${char}` : char;
}

/** Compiles a pattern to an anchored RegExp; latin1 strings make "one char" mean "one byte". */
export function compileGlob(pattern: string): RegExp {
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '*') {
      while (pattern[i + 1] === '*') i += 1;
      source += '[\\s\\S]*';
    } else if (char === '?') {
      source += '[\\s\\S]';
    } else if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += escapeRegex(pattern[i] as string);
    } else if (char === '[') {
      const { regex, end } = compileClass(pattern, i + 1);
      source += regex;
      i = end;
    } else {
      source += escapeRegex(char);
    }
    i += 1;
  }
  return new RegExp(`^${source}$`);
}

/** A [...] class starting after the bracket; like Redis, an unclosed class runs to the end of the pattern. */
function compileClass(pattern: string, start: number): { regex: string; end: number } {
  let i = start;
  let negate = false;
  if (pattern[i] === '^') {
    negate = true;
    i += 1;
  }
  let body = '';
  while (i < pattern.length && pattern[i] !== ']') {
    let char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      char = pattern[i] as string;
    }
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let last = pattern[i + 2] as string;
      let skip = 2;
      if (last === '\\' && i + 3 < pattern.length) {
        last = pattern[i + 3] as string;
        skip = 3;
      }
      const [low, high] = char <= last ? [char, last] : [last, char];
      body += `${escapeRegex(low)}-${escapeRegex(high)}`;
      i += skip;
    } else {
      body += escapeRegex(char);
    }
    i += 1;
  }
  if (body === '') return { regex: negate ? '[\\s\\S]' : '(?!)', end: i };
  return { regex: `[${negate ? '^' : ''}${body}]`, end: i };
}

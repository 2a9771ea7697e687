// Whether two model slugs name the same model: Codex compares the served model with the
// requested one ignoring ASCII case only (`GPT-5.2` is `gpt-5.2`; `É` is not `é`).

const ASCII_UPPER_REGEXP = /[A-Z]/g;

/** Whether `a` and `b` are equal once ASCII letters are lower-cased. */
export function isSameModel(a: string, b: string): boolean {
  return a.length === b.length &&
    a.replace(ASCII_UPPER_REGEXP, toLower) === b.replace(ASCII_UPPER_REGEXP, toLower);
}

function toLower(char: string): string {
  return char.toLowerCase();
}

/** A security symbol: 1-16 of A-Z 0-9 . _ -, never "." or ".." (it names a folder). */
const SYMBOL = /^[A-Z0-9._-]{1,16}$/;

export const SYMBOL_RULE = "1-16 of A-Z 0-9 . _ -";

export function isSymbol(text: string): boolean {
  return SYMBOL.test(text) && text !== "." && text !== "..";
}

/** Whether a UTF-16 code unit is an ASCII digit (`0`-`9`). */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A JSON object typed into a form, or why it is not one. Empty text is `undefined`. */
export function parseJsonObject(text: string, label: string): { value: Record<string, unknown> | undefined } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { error: label + " is not valid JSON: " + (error instanceof Error ? error.message : String(error)) };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { error: label + " must be a JSON object, such as {}." };
  return { value: value as Record<string, unknown> };
}

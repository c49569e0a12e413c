/**
 * The tokens Elasticsearch's `standard` analyzer would index for a `text` field: Unicode word
 * segmentation (UAX #29, the standard tokenizer's rules, via `Intl.Segmenter`), words only (no
 * punctuation or spaces), lowercased, each at most 255 characters (longer words are split, as the
 * tokenizer's `max_token_length` does).
 */

/** The standard tokenizer's `max_token_length`. */
export const MAX_TOKEN_LENGTH = 255;

const segmenter = new Intl.Segmenter("und", { granularity: "word" });

/** The tokens of `text` in order, repeats included (an empty array for no words). */
export function textTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const segment of segmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    const word = segment.segment.toLowerCase();
    for (let start = 0; start < word.length; start += MAX_TOKEN_LENGTH) tokens.push(word.slice(start, start + MAX_TOKEN_LENGTH));
  }
  return tokens;
}

/** {@link textTokens} without repeats: what a stored token array needs for matching. */
export function distinctTextTokens(text: string | null | undefined): string[] {
  return typeof text === "string" ? [...new Set(textTokens(text))] : [];
}

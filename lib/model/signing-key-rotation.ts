/** Options of `security.tokens.rotateSigningKey()`. */
export interface RotateSigningKeyOptions {
  /**
   * Drop the replaced key and every other previous key at once, so the tokens they signed are
   * refused from now on (within one events poll on other instances): for a leaked key. Default
   * `false`: the replaced key keeps verifying until every token it signed has expired.
   */
  retireImmediately?: boolean;
}

/** What `security.tokens.rotateSigningKey()` did. */
export interface SigningKeyRotation {
  /** The `kid` of the new current key: every new access token carries it. */
  kid: string;
  /** Keys that still verify the tokens they signed, each until `retireAt`. */
  previous: { kid: string; retireAt: Date }[];
  /** Keys this rotation dropped (retired immediately, or past their time). */
  retired: string[];
}

import type { KeyObject } from "node:crypto";
import type { NamedSigningKey } from "../../model/token-options.js";

/**
 * The `kid` of the key set by the `tokens.signingKey` option and of the generated key stored
 * before tokens carried a `kid`; a token without `kid` (issued by an earlier version) is verified
 * with this key, so an upgrade logs nobody out.
 */
export const LEGACY_KEY_ID = "default";

/** A key that verifies but no longer signs; `retireAfter` (epoch ms) ends that, if set. */
export interface VerifyingKey extends NamedSigningKey {
  retireAfter?: number;
}

/**
 * One immutable generation of signing keys: `current` signs, it and the `previous` ones verify
 * the tokens whose `kid` names them until their `retireAfter`. Replaced as a whole on rotation,
 * so a request sees one consistent generation.
 */
export class SigningKeyRing {
  private readonly byId = new Map<string, VerifyingKey>();

  /** @param revision the stored ring's revision (0 for configured keys); newer wins on reload. */
  constructor(
    readonly current: NamedSigningKey,
    readonly previous: readonly VerifyingKey[],
    readonly revision = 0,
  ) {
    for (const entry of previous) this.byId.set(entry.id, entry);
    this.byId.set(current.id, current);
  }

  /** The key verifying tokens with `kid` (none: {@link LEGACY_KEY_ID}) at `now`; `undefined` when unknown or retired. */
  keyFor(kid: string | undefined, now: number): KeyObject | undefined {
    const entry = this.byId.get(kid ?? LEGACY_KEY_ID);
    if (!entry || (entry.retireAfter !== undefined && now >= entry.retireAfter)) return undefined;
    return entry.key;
  }

  /** Whether `kid` is in this generation at all (retired or not): a newer generation may know an unknown one. */
  knows(kid: string | undefined): boolean {
    return this.byId.has(kid ?? LEGACY_KEY_ID);
  }
}

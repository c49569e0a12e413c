import type { SettingsStore } from "../../store/settings-store.js";
import { illegalArgument } from "../../support/security-error.js";
import type { RotateSigningKeyOptions, SigningKeyRotation } from "../../model/signing-key-rotation.js";
import { LEGACY_KEY_ID, type SigningKeyRing } from "./signing-key-ring.js";
import {
  generateSigningKey,
  newStoredKeyRing,
  parseStoredKeyRing,
  ringOfStored,
  rotateStoredKeyRing,
  type StoredKeyRing,
} from "./stored-key-ring.js";
import { MIN_SIGNING_KEY_BYTES } from "./to-signing-key.js";

/** The versioned setting holding the generated key ring (one `settings` document per revision). */
export const SIGNING_KEY_RING_SETTING = "token_signing_keys";
/** Where earlier versions kept their one generated key; it becomes the ring's first key ({@link LEGACY_KEY_ID}). */
export const SIGNING_KEY_SETTING = "token_signing_key";

export interface JwtSigningKeyOptions {
  /** The setting holding the ring (tests use their own). */
  settingId?: string;
  /** The setting of an earlier version's single key. */
  legacySettingId?: string;
  clock?: () => number;
  /** Least time between two ring reads caused by tokens naming an unknown `kid`. Default 1 s. */
  unknownKidReadIntervalMs?: number;
}

/**
 * How much longer than the access-token lifetime a replaced key keeps verifying: other instances
 * may sign with it until they see the rotation (one events poll), clocks differ, and a refresh
 * replayed within its 30-second retry window returns a token it signed.
 */
export const ROTATION_GRACE_MS = 60_000;
/** Compare-and-set attempts of one rotation before giving up (each loss means another rotation won). */
const ROTATE_ATTEMPTS = 10;

/**
 * The keys that sign and verify access tokens: the configured ones, or a ring generated once and
 * stored in `settings` so every instance sharing the database uses the same keys.
 *
 * Guarantees: each revision of the ring is inserted under an `_id` naming the revision, so of
 * several instances creating the first ring, or rotating from the same revision, exactly one
 * insert succeeds; the others read the winner and (rotating) retry on top of it, so concurrent
 * rotations apply one after the other and none drops a key another one added. A reload never goes
 * back to an older revision than the one held.
 */
export class JwtSigningKey {
  private held: SigningKeyRing | undefined;
  private loading: Promise<SigningKeyRing> | undefined;
  private reading: Promise<SigningKeyRing> | undefined;
  private rereading: Promise<SigningKeyRing> | undefined;
  private lastUnknownRead = Number.NEGATIVE_INFINITY;
  private readonly settingId: string;
  private readonly legacySettingId: string;
  private readonly clock: () => number;
  private readonly unknownKidReadIntervalMs: number;

  constructor(
    private readonly settings: Pick<SettingsStore, "get" | "latestVersion" | "insertVersion" | "pruneVersionsBefore">,
    private readonly configured: SigningKeyRing | undefined,
    options: JwtSigningKeyOptions = {},
  ) {
    this.held = configured;
    this.settingId = options.settingId ?? SIGNING_KEY_RING_SETTING;
    this.legacySettingId = options.legacySettingId ?? SIGNING_KEY_SETTING;
    this.clock = options.clock ?? Date.now;
    this.unknownKidReadIntervalMs = options.unknownKidReadIntervalMs ?? 1000;
  }

  /** The keys once loaded (synchronous access for the hot path). */
  get ring(): SigningKeyRing | undefined {
    return this.held;
  }

  /** Loads (or creates) the shared ring; retried on the next call if the database failed. */
  load(): Promise<SigningKeyRing> {
    if (this.held) return Promise.resolve(this.held);
    this.loading ??= this.loadShared().then(
      (ring) => this.adopt(ring),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /**
   * Reads the stored ring again (another instance rotated it); configured keys stay as they are.
   * A call while a read is in flight gets a new read after it, as that one may have started
   * before the change the caller learnt of; calls meanwhile share that second read.
   */
  reload(): Promise<SigningKeyRing> {
    if (this.configured) return Promise.resolve(this.configured);
    if (this.reading) {
      this.rereading ??= this.reading
        .catch(() => undefined)
        .then(() => {
          this.rereading = undefined;
          return this.reload();
        });
      return this.rereading;
    }
    this.reading = this.readStored()
      .then((stored) => this.adopt(ringOfStored(stored)))
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  /**
   * A token names a `kid` the held ring does not know: a newer ring may (a rotation elsewhere not
   * yet seen in the journal). Reads the ring at most once per `unknownKidReadIntervalMs`, so
   * made-up ids cost no more than that; `undefined` when no read is due.
   */
  async lookUpUnknown(): Promise<SigningKeyRing | undefined> {
    if (this.configured) return undefined;
    // A read under way may already bring the kid (tokens of a new key tend to come in bursts).
    if (this.rereading) return this.rereading;
    if (this.reading) return this.reading;
    const now = this.clock();
    if (now - this.lastUnknownRead < this.unknownKidReadIntervalMs) return undefined;
    this.lastUnknownRead = now;
    return this.reload();
  }

  /**
   * Makes a new generated key current; the replaced one verifies for `accessTokenLifetimeMs` +
   * {@link ROTATION_GRACE_MS} more (every token it signed has expired by then), or, with
   * `retireImmediately`, it and every previous key are dropped at once.
   */
  async rotate(accessTokenLifetimeMs: number, options: RotateSigningKeyOptions = {}): Promise<SigningKeyRotation> {
    if (typeof options !== "object" || options === null)
      throw new TypeError("express-keyguard: rotateSigningKey options must be an object");
    const retireImmediately = options.retireImmediately ?? false;
    if (typeof retireImmediately !== "boolean") {
      throw new TypeError("express-keyguard: rotateSigningKey option retireImmediately must be true or false");
    }
    const keepMs = accessTokenLifetimeMs + ROTATION_GRACE_MS;
    if (this.configured) {
      throw illegalArgument(
        "the token signing keys are set by the tokens.signingKey/signingKeys options: rotate them by deploying a new current key with the old one in previous",
      );
    }
    await this.load();
    for (let attempt = 0; attempt < ROTATE_ATTEMPTS; attempt++) {
      const stored = await this.readStored();
      const { ring, retired } = rotateStoredKeyRing(stored, generateSigningKey(), this.clock(), keepMs, retireImmediately);
      if (await this.settings.insertVersion(this.settingId, ring.revision, ring)) {
        this.adopt(ringOfStored(ring));
        // Only the newest revision is ever read; a failed clean-up is redone by the next rotation.
        await this.settings.pruneVersionsBefore(this.settingId, ring.revision).catch(() => undefined);
        return {
          kid: ring.current.id,
          previous: ring.previous.map((entry) => ({ kid: entry.id, retireAt: new Date(entry.retire_after) })),
          retired,
        };
      }
    }
    throw new Error("express-keyguard: the token signing keys kept changing during the rotation (other rotations); try again");
  }

  private adopt(ring: SigningKeyRing): SigningKeyRing {
    if (!this.held || ring.revision >= this.held.revision) this.held = ring;
    return this.held;
  }

  private async loadShared(): Promise<SigningKeyRing> {
    if ((await this.settings.latestVersion(this.settingId)) === undefined) {
      // An earlier version's key stays the current one, so no token signed before the upgrade
      // stops verifying and instances not yet upgraded keep accepting the new ones.
      const legacy = await this.settings.get(this.legacySettingId);
      const first =
        typeof legacy === "string" && Buffer.from(legacy, "base64url").length >= MIN_SIGNING_KEY_BYTES
          ? { id: LEGACY_KEY_ID, secret: legacy }
          : generateSigningKey();
      const ring = newStoredKeyRing(first, this.clock());
      // Of instances starting together one inserts revision 1; the others read theirs.
      await this.settings.insertVersion(this.settingId, ring.revision, ring);
    }
    return ringOfStored(await this.readStored());
  }

  private async readStored(): Promise<StoredKeyRing> {
    const latest = await this.settings.latestVersion(this.settingId);
    const stored = latest ? parseStoredKeyRing(latest.value) : undefined;
    if (!latest || stored?.revision !== latest.version) {
      throw new Error(
        `express-keyguard: the stored token signing keys (settings "${this.settingId}@…") are missing or damaged; ` +
          "delete those setting documents to generate new ones (this invalidates every access token)",
      );
    }
    return stored;
  }
}

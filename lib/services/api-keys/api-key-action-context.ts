import type { AuditTrail } from "../../audit/audit-trail.js";
import type { ApiKeyCache } from "../../authc/api-key/api-key-cache.js";
import type { ApiKeyHasher } from "../../authc/api-key/api-key-hash.js";
import type { ApiKeyRemover } from "../../authc/api-key/api-key-remover.js";
import type { ApiKeySecretFormat } from "../../authc/api-key/api-key-secret-format.js";
import type { AuthenticationService } from "../../authc/authentication-service.js";
import type { Authorizer } from "../../authz/authorizer.js";
import type { ResolvedApiKeyConfig } from "../../model/api-key-options.js";
import type { ApiKeyCreditStore } from "../../store/api-key-credit-store.js";
import type { ApiKeyRateWindowStore } from "../../store/api-key-rate-window-store.js";
import type { ApiKeyStore } from "../../store/api-key-store.js";
import type { ApiKeyUsageStore } from "../../store/api-key-usage-store.js";
import type { EventsJournal } from "../../store/events-journal.js";

/** What the API-key operations (create, get, update, invalidate) work with. */
export interface ApiKeyActionContext {
  readonly store: ApiKeyStore;
  readonly usageStore: ApiKeyUsageStore;
  /** Management writes of credit balances (`_credits`, `_limits`). */
  readonly credits: ApiKeyCreditStore;
  /** Rate-limit windows, for the live `used` of Get and Query. */
  readonly rateWindows: ApiKeyRateWindowStore;
  readonly cache: ApiKeyCache;
  readonly hasher: ApiKeyHasher;
  readonly secretFormat: ApiKeySecretFormat;
  readonly remover: ApiKeyRemover;
  readonly authorizer: Authorizer;
  readonly journal: EventsJournal;
  readonly authentication: AuthenticationService;
  readonly audit: AuditTrail | undefined;
  readonly config: ResolvedApiKeyConfig;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
}

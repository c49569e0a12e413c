import type { ApiKeyLimitsInfo } from "../../authc/api-key/render-api-key-limits.js";
import { rateWindowName, type ApiKeyRateWindowStore } from "../../store/api-key-rate-window-store.js";
import type { ApiKeyLimitsDoc } from "../../store/store-documents.js";

/** A rendered key beside the stored limits it was rendered from. */
export interface RenderedLimits {
  id: string;
  info: { limits?: ApiKeyLimitsInfo };
  stored: ApiKeyLimitsDoc | null | undefined;
}

/**
 * Adds to each rendered rate limit the current window's start and the allowance `used` in it so
 * far, fleet-wide (handed to instances: accepted requests plus what instances hold unspent). One
 * read per rate limit shown; keys without rate limits cost nothing.
 */
export async function addRateLimitUsage(windows: ApiKeyRateWindowStore, rendered: readonly RenderedLimits[], now: number): Promise<void> {
  const wanted: Array<{ target: { used?: number; window_start?: number }; window: string; windowStart: number }> = [];
  for (const { id, info, stored } of rendered) {
    const shown = info.limits?.rate_limits;
    const limits = stored?.rate_limits;
    if (!shown || !limits) continue;
    limits.forEach((limit, i) => {
      const target = shown[i];
      if (!target || target.name !== limit.name || !(limit.window_ms > 0)) return;
      const windowStart = Math.floor(now / limit.window_ms) * limit.window_ms;
      wanted.push({ target, window: rateWindowName(id, limit.name, windowStart), windowStart });
    });
  }
  if (wanted.length === 0) return;
  const granted = await windows.grantedIn(wanted.map((w) => w.window));
  for (const { target, window, windowStart } of wanted) {
    target.used = granted.get(window) ?? 0;
    target.window_start = windowStart;
  }
}

import { randomInt } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";

/**
 * A short, growing, jittered pause before retry number `attempt` (1, 2, …) of a lost
 * compare-and-set race: about 5 ms, 10 ms, 20 ms, … capped at 200 ms (plus up to as much again
 * at random), so racing writers spread out instead of colliding again at once.
 */
export function retryPause(attempt: number): Promise<void> {
  const base = Math.min(200, 5 * 2 ** Math.max(0, attempt - 1));
  return delay(base + randomInt(base + 1));
}

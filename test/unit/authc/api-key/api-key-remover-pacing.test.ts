import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKeyRemover } from "../../../../lib/authc/api-key/api-key-remover.js";
import type { ApiKeyStore } from "../../../../lib/store/api-key-store.js";
import type { LeaseStore } from "../../../../lib/store/lease-store.js";

const leaseStore = {
  acquire: async () => true,
  dropExpired: async () => 0,
} as unknown as LeaseStore;

/** A store with `total` inactive keys that answers each batch only when the test releases it. */
function gatedStore(total: number) {
  let left = total;
  const started: number[] = [];
  const gates: Array<() => void> = [];
  const store = {
    async removeInactive(_cutoff: number, size: number) {
      started.push(Date.now());
      await new Promise<void>((resolve) => gates.push(resolve));
      const n = Math.min(left, size);
      left -= n;
      return Array.from({ length: n }, (_, i) => `id-${left}-${i}`);
    },
  } as unknown as ApiKeyStore;
  const release = async () => {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
  };
  return { store, started, release };
}

describe("ApiKeyRemover pacing (large backlogs)", () => {
  it("counts deletions batch by batch while a run is in progress", async () => {
    const f = gatedStore(5);
    const remover = new ApiKeyRemover(f.store, leaseStore, { retentionMs: 0, intervalMs: 1000, batchSize: 2, batchPauseMs: 0 });
    const run = remover.trigger();
    await f.release();
    while (remover.removedTotal < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(remover.removedTotal, 2, "the first batch is visible before the run ends");
    await f.release();
    await f.release();
    assert.equal(await run, 5);
    assert.equal(remover.removedTotal, 5);
  });

  it("stop() ends a run after its current batch instead of after every batch", async () => {
    const f = gatedStore(100);
    const remover = new ApiKeyRemover(f.store, leaseStore, { retentionMs: 0, intervalMs: 1000, batchSize: 10, batchPauseMs: 0 });
    const run = remover.trigger();
    await f.release();
    while (f.started.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const stopped = remover.stop();
    await f.release();
    await stopped;
    assert.equal(await run, 20, "the batch in flight finishes, no further batch starts");
    assert.equal(f.started.length, 2);
    // A later run starts afresh (eight full batches, then an empty one ends it).
    const again = remover.trigger();
    for (let i = 0; i < 9; i++) await f.release();
    assert.equal(await again, 80);
  });

  it("pauses between batches, leaving the event loop to other work", async () => {
    const f = gatedStore(6);
    const remover = new ApiKeyRemover(f.store, leaseStore, { retentionMs: 0, intervalMs: 1000, batchSize: 2, batchPauseMs: 40 });
    const run = remover.trigger();
    for (let i = 0; i < 4; i++) await f.release();
    assert.equal(await run, 6);
    assert.equal(f.started.length, 4);
    for (let i = 1; i < f.started.length; i++) {
      assert.ok(
        (f.started[i] as number) - (f.started[i - 1] as number) >= 35,
        `batch ${i} started ${(f.started[i] as number) - (f.started[i - 1] as number)} ms after the previous one`,
      );
    }
  });
});

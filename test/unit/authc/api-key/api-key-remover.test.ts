import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKeyRemover } from "../../../../lib/authc/api-key/api-key-remover.js";
import type { ApiKeyStore } from "../../../../lib/store/api-key-store.js";
import type { LeaseStore } from "../../../../lib/store/lease-store.js";

function fakes(options: { lease: boolean; batches: number[] }) {
  const cutoffs: number[] = [];
  const leases: Array<{ until: number }> = [];
  const released: number[] = [];
  let batch = 0;
  const store = {
    async removeInactive(cutoff: number, size: number) {
      cutoffs.push(cutoff);
      const n = Math.min(options.batches[batch++] ?? 0, size);
      return Array.from({ length: n }, (_, i) => `id-${batch}-${i}`);
    },
  } as unknown as ApiKeyStore;
  const swept: Array<[string, number]> = [];
  const leaseStore = {
    async acquire(_name: string, _owner: string, _now: number, until: number) {
      leases.push({ until });
      return options.lease;
    },
    async release(_name: string, _owner: string, until: number) {
      released.push(until);
    },
    async dropExpired(prefix: string, now: number) {
      swept.push([prefix, now]);
      return 0;
    },
  } as unknown as LeaseStore;
  return { store, leaseStore, cutoffs, leases, swept, released };
}

describe("ApiKeyRemover", () => {
  it("does nothing when another instance holds the lease", async () => {
    const f = fakes({ lease: false, batches: [5] });
    const remover = new ApiKeyRemover(f.store, f.leaseStore, { retentionMs: 1000, intervalMs: 500, clock: () => 10_000 });
    assert.equal(await remover.trigger(), 0);
    assert.deepEqual(f.cutoffs, []);
    assert.deepEqual(f.swept, []);
    // A run holds the lease at least a minute, so a slow run never overlaps another instance's.
    assert.deepEqual(f.leases, [{ until: 70_000 }]);
    assert.deepEqual(f.released, [], "a lease it did not get is not touched");
  });

  it("deletes in batches until a short batch, with cutoff = now - retention, and reports what it removed", async () => {
    const f = fakes({ lease: true, batches: [2, 2, 1, 7] });
    const removed: string[] = [];
    const remover = new ApiKeyRemover(f.store, f.leaseStore, {
      retentionMs: 1000,
      intervalMs: 500,
      batchSize: 2,
      clock: () => 10_000,
      onRemoved: (ids) => removed.push(...ids),
    });
    assert.equal(await remover.trigger(), 5);
    assert.deepEqual(f.cutoffs, [9_000, 9_000, 9_000]);
    assert.equal(removed.length, 5);
    assert.equal(remover.removedTotal, 5);
    assert.deepEqual(f.swept, [["api_key_write/", 10_000]], "expired version claims are swept on each run");
    assert.deepEqual(f.released, [10_500], "afterwards the lease ends one interval after the run began");
  });

  it("bounds a run by maxBatches, coalesces concurrent triggers and never rejects", async () => {
    const f = fakes({ lease: true, batches: [1, 1, 1, 1] });
    const remover = new ApiKeyRemover(f.store, f.leaseStore, { retentionMs: 0, intervalMs: 500, batchSize: 1, maxBatches: 2 });
    const [a, b] = await Promise.all([remover.trigger(), remover.trigger()]);
    assert.deepEqual([a, b], [2, 2]);
    assert.equal(f.leases.length, 1);
    const failing = new ApiKeyRemover(
      { removeInactive: async () => Promise.reject(new Error("db down")) } as unknown as ApiKeyStore,
      f.leaseStore,
      { retentionMs: 0, intervalMs: 500 },
    );
    assert.equal(await failing.trigger(), 0);
    assert.match(String(failing.lastError), /db down/);
  });
});

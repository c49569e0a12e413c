import assert from "node:assert/strict";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, it } from "node:test";
import express from "express";
import { installRequestSecuritySlot } from "../../../lib/http/request-security-slot.js";
import type { SecurityContext } from "../../../lib/http/security-context.js";

describe("req.security slot", () => {
  installRequestSecuritySlot();
  installRequestSecuritySlot(); // idempotent

  const context = (name: string) => ({ authentication: { user: { username: name } } }) as unknown as SecurityContext;

  it("keeps one value per request without adding an own property to it", () => {
    type WithSlot = IncomingMessage & { security?: SecurityContext };
    const a: WithSlot = new IncomingMessage(new Socket());
    const b: WithSlot = new IncomingMessage(new Socket());
    assert.equal(a.security, undefined);
    a.security = context("ann");
    assert.equal(a.security?.authentication.user.username, "ann");
    assert.equal(b.security, undefined, "another request sees nothing");
    assert.equal(Object.hasOwn(a, "security"), false);
    assert.ok(!Object.keys(a).includes("security"));
    b.security = context("bob");
    a.security = undefined;
    assert.equal(a.security, undefined);
    assert.equal(b.security?.authentication.user.username, "bob");
  });

  it("works through Express's request prototype, as middleware sees it", async () => {
    const app = express();
    app.use((req, _res, next) => {
      req.security = context("carol");
      next();
    });
    app.get("/", (req, res) => {
      res.json({ user: req.security?.authentication.user.username, own: Object.hasOwn(req, "security") });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.deepEqual(await res.json(), { user: "carol", own: false });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

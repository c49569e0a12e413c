// Runs bcrypt off the main thread: bcryptjs is pure JavaScript and a single compare at cost 10
// blocks for ~60 ms, which would stall every other request on the event loop.
import { parentPort } from "node:worker_threads";
import bcrypt from "bcryptjs";

export interface HashTask {
  id: number;
  op: "hash" | "compare";
  password: string;
  hash?: string;
  cost?: number;
}

export interface HashReply {
  id: number;
  ok: boolean;
  value?: string | boolean;
  error?: string;
}

parentPort?.on("message", (task: HashTask) => {
  let reply: HashReply;
  try {
    if (task.op === "hash") {
      reply = { id: task.id, ok: true, value: bcrypt.hashSync(task.password, task.cost ?? 10) };
    } else {
      reply = { id: task.id, ok: true, value: bcrypt.compareSync(task.password, task.hash ?? "") };
    }
  } catch (error) {
    reply = { id: task.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});

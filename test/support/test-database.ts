import { randomBytes } from "node:crypto";
import mongoose from "mongoose";

export interface TestDatabase {
  connection: mongoose.Connection;
  /** URI naming this database, for code under test that opens its own connection. */
  uri: string;
  /** Drops the database and closes the connection; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Opens a fresh, uniquely named database on the server `npm test` provides (MONGODB_URI), so test
 * files running in parallel never see each other's data.
 */
export async function openTestDatabase(label: string): Promise<TestDatabase> {
  const root = process.env.MONGODB_URI;
  if (!root) {
    throw new Error(
      "MONGODB_URI is not set: run the tests with `npm test`, which starts a MongoDB-compatible server " +
        "(or set MONGODB_URI=mongodb://host:port/ yourself).",
    );
  }
  const dbName = `kg_${sanitize(label)}_${randomBytes(3).toString("hex")}`;
  // dbName rather than editing the URI: a database already named in MONGODB_URI then stays the
  // authentication database.
  const connection = await mongoose.createConnection(root, { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
  let dropped: Promise<void> | undefined;
  return {
    connection,
    uri: databaseUri(root, dbName),
    drop() {
      dropped ??= (async () => {
        try {
          await connection.dropDatabase();
        } finally {
          await connection.close();
        }
      })();
      return dropped;
    },
  };
}

function sanitize(label: string): string {
  const cleaned = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 20)
    .replace(/_+$/, "");
  return cleaned || "db";
}

/** Puts `dbName` in the URI's path, keeping options and, if needed, the original auth database. */
function databaseUri(root: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?#]*)(\/[^?#]*)?(\?[^#]*)?/.exec(root);
  if (!match) return root;
  const [, scheme = "", authority = "", path = "", query = ""] = match;
  const params = new URLSearchParams(query.slice(1));
  const originalDb = decodeURIComponent(path.slice(1));
  if (authority.includes("@") && originalDb && !params.has("authSource")) params.set("authSource", originalDb);
  const options = params.toString();
  return `${scheme}${authority}/${dbName}${options ? `?${options}` : ""}`;
}

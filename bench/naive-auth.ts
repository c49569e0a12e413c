import { createHash, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * Scenario 7: the middlewares a user writes when they skip a security library. They are the
 * peers the benchmark compares against, so they are written the obvious way, not tuned.
 */

interface NaiveUser {
  _id: string;
  hash: string;
}

interface NaiveKey {
  _id: string;
  /** Hex SHA-256 of the secret. */
  hash: string;
}

export interface NaiveModels {
  users: Model<NaiveUser>;
  keys: Model<NaiveKey>;
}

export function naiveModels(connection: Connection): NaiveModels {
  const users = new Schema<NaiveUser>({ _id: String, hash: String }, { versionKey: false });
  const keys = new Schema<NaiveKey>({ _id: String, hash: String }, { versionKey: false });
  return {
    users: connection.models.NaiveUser ?? connection.model<NaiveUser>("NaiveUser", users, "naive_users"),
    keys: connection.models.NaiveKey ?? connection.model<NaiveKey>("NaiveKey", keys, "naive_keys"),
  };
}

function decodePair(header: string | undefined, scheme: string): [string, string] | undefined {
  if (!header?.startsWith(scheme + " ")) return undefined;
  const text = Buffer.from(header.slice(scheme.length + 1), "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : [text.slice(0, colon), text.slice(colon + 1)];
}

/** `Authorization: Basic`: `findOne` the user, `bcrypt.compare` the password, every request. */
export function naiveBcrypt(models: NaiveModels): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const pair = decodePair(req.headers.authorization, "Basic");
    const user = pair ? await models.users.findOne({ _id: pair[0] }).lean() : null;
    if (!pair || !user || !(await bcrypt.compare(pair[1], user.hash))) {
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    next();
  };
}

/** `Authorization: ApiKey`: `findOne` the key, compare a SHA-256 of the secret, every request. */
export function naiveFindOne(models: NaiveModels): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const pair = decodePair(req.headers.authorization, "ApiKey");
    const key = pair ? await models.keys.findOne({ _id: pair[0] }).lean() : null;
    const digest = pair ? createHash("sha256").update(pair[1]).digest() : undefined;
    if (!key || !digest || !timingSafeEqual(digest, Buffer.from(key.hash, "hex"))) {
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    next();
  };
}

/** Stores one user and one key for the naive middlewares; returns their `Authorization` values. */
export async function seedNaive(
  models: NaiveModels,
  password: string,
  keyId: string,
  secret: string,
): Promise<{ basic: string; apiKey: string }> {
  await models.users.create({ _id: "naive_user", hash: await bcrypt.hash(password, 10) });
  await models.keys.create({ _id: keyId, hash: createHash("sha256").update(secret).digest("hex") });
  return {
    basic: "Basic " + Buffer.from(`naive_user:${password}`).toString("base64"),
    apiKey: "ApiKey " + Buffer.from(`${keyId}:${secret}`).toString("base64"),
  };
}

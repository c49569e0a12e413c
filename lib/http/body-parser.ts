import express, { type RequestHandler } from "express";

/**
 * JSON bodies, including Elasticsearch clients' vendor media type
 * (`application/vnd.elasticsearch+json; compatible-with=9`), with a size limit.
 */
export function createBodyParser(limit: string | number): RequestHandler {
  return express.json({ limit, strict: true, type: ["application/json", "application/*+json"] });
}

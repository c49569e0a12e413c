import { parseJsonObject } from "./parse-json-object.js";

/** The create form's fields, by element id. */
export type CreateField = "create-name" | "create-expiration" | "create-role-descriptors" | "create-metadata" | "create-limits";

export const CREATE_FIELDS: readonly CreateField[] = [
  "create-name",
  "create-expiration",
  "create-role-descriptors",
  "create-metadata",
  "create-limits",
];

export const CREATE_FIELD_LABELS: Readonly<Record<CreateField, string>> = {
  "create-name": "name",
  "create-expiration": "expiration",
  "create-role-descriptors": "role descriptors",
  "create-metadata": "metadata",
  "create-limits": "limits",
};

export interface CreateFormValues {
  name: string;
  expiration: string;
  roleDescriptors: string;
  metadata: string;
  /** Rate limits and credits (JSON); optional. */
  limits?: string;
}

/** The body of `POST /_security/api_key`. */
export interface CreateKeyBody {
  name: string;
  expiration?: string;
  role_descriptors?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  limits?: Record<string, unknown>;
}

/** The request to send, or the first field that is wrong (fields are checked in form order). */
export type CreateKeyRequest = { ok: true; body: CreateKeyBody } | { ok: false; field: CreateField; message: string };

/** Elasticsearch's time units; `-1` is its "never". */
const DURATION = /^(-1|\d+(nanos|micros|ms|s|m|h|d))$/;

export function createKeyRequest(values: CreateFormValues): CreateKeyRequest {
  if (!values.name.trim()) return { ok: false, field: "create-name", message: "Enter a name for the key." };
  const expiration = values.expiration.trim();
  if (expiration && !DURATION.test(expiration)) {
    return { ok: false, field: "create-expiration", message: "Use a number and a unit, such as 30d, 12h, 90m or 45s." };
  }
  const descriptors = parseJsonObject(values.roleDescriptors, "Role descriptors");
  if ("error" in descriptors) return { ok: false, field: "create-role-descriptors", message: descriptors.error };
  const metadata = parseJsonObject(values.metadata, "Metadata");
  if ("error" in metadata) return { ok: false, field: "create-metadata", message: metadata.error };
  const limits = parseJsonObject(values.limits ?? "", "Limits");
  if ("error" in limits) return { ok: false, field: "create-limits", message: limits.error };

  const body: CreateKeyBody = { name: values.name };
  if (expiration) body.expiration = expiration;
  if (descriptors.value !== undefined) body.role_descriptors = descriptors.value;
  if (metadata.value !== undefined) body.metadata = metadata.value;
  if (limits.value !== undefined) body.limits = limits.value;
  return { ok: true, body };
}

/** Which field an Elasticsearch error is about, to show the message next to it. */
export function fieldOfServerError(message: string): CreateField | null {
  if (/\blimits\b/i.test(message)) return "create-limits";
  if (/role[ _]descriptor|privilege|\brole\b|indices|cluster|applications|run_as/i.test(message)) return "create-role-descriptors";
  if (/expiration|time value|duration/i.test(message)) return "create-expiration";
  if (/metadata/i.test(message)) return "create-metadata";
  if (/\bname\b/i.test(message)) return "create-name";
  return null;
}

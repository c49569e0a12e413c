/** The create form's fields, by element id. */
export type CreateField = "create-name" | "create-expiration" | "create-role-descriptors" | "create-metadata";

export const CREATE_FIELDS: readonly CreateField[] = ["create-name", "create-expiration", "create-role-descriptors", "create-metadata"];

export const CREATE_FIELD_LABELS: Readonly<Record<CreateField, string>> = {
  "create-name": "name",
  "create-expiration": "expiration",
  "create-role-descriptors": "role descriptors",
  "create-metadata": "metadata",
};

export interface CreateFormValues {
  name: string;
  expiration: string;
  roleDescriptors: string;
  metadata: string;
}

/** The body of `POST /_security/api_key`. */
export interface CreateKeyBody {
  name: string;
  expiration?: string;
  role_descriptors?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** The request to send, or the first field that is wrong (fields are checked in form order). */
export type CreateKeyRequest = { ok: true; body: CreateKeyBody } | { ok: false; field: CreateField; message: string };

/** Elasticsearch's time units; `-1` is its "never". */
const DURATION = /^(-1|\d+(nanos|micros|ms|s|m|h|d))$/;

type JsonObjectField = { value: Record<string, unknown> | undefined } | { error: string };

function parseJsonObject(text: string, label: string): JsonObjectField {
  const trimmed = text.trim();
  if (!trimmed) return { value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { error: label + " is not valid JSON: " + (error instanceof Error ? error.message : String(error)) };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { error: label + " must be a JSON object, such as {}." };
  return { value: value as Record<string, unknown> };
}

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

  const body: CreateKeyBody = { name: values.name };
  if (expiration) body.expiration = expiration;
  if (descriptors.value !== undefined) body.role_descriptors = descriptors.value;
  if (metadata.value !== undefined) body.metadata = metadata.value;
  return { ok: true, body };
}

/** Which field an Elasticsearch error is about, to show the message next to it. */
export function fieldOfServerError(message: string): CreateField | null {
  if (/role[ _]descriptor|privilege|\brole\b|indices|cluster|applications|run_as/i.test(message)) return "create-role-descriptors";
  if (/expiration|time value|duration/i.test(message)) return "create-expiration";
  if (/metadata/i.test(message)) return "create-metadata";
  if (/\bname\b/i.test(message)) return "create-name";
  return null;
}

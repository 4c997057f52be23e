/**
 * The Confluent Schema Registry's REST API, the two calls we need: register our Avro schema under
 * a subject (TOPIC-value), and fetch a schema by the id a message carries. Apicurio Registry
 * serves the same API under /apis/ccompat/v7.
 */
import type { KafkaSettings } from "./settings.ts";
import { AVRO_SCHEMA, valueEncoder } from "./value_format.ts";
import type { ValueEncoder } from "./value_format.ts";

/** The registry cannot be reached or answers wrongly: a runtime failure (exit 1), not bad data. */
export class RegistryError extends Error {
  override name = "RegistryError";
}

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

/** The subject of a topic's values (the registry's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The URL without user:password@, for messages. */
function shownUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//***@");
}

async function call(url: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const target = new URL(url.replace(/\/+$/, "") + path);
  const headers = new Headers({ accept: CONTENT_TYPE, ...init.headers as Record<string, string> });
  if (target.username) {
    headers.set(
      "authorization",
      `Basic ${
        btoa(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`)
      }`,
    );
    target.username = target.password = "";
  }
  let res: Response;
  try {
    res = await fetch(target, { ...init, headers, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new RegistryError(`--schema-registry ${shownUrl(url)}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    throw new RegistryError(
      `--schema-registry ${shownUrl(url)}${path}: HTTP ${res.status} ${text.slice(0, 200)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistryError(`--schema-registry ${shownUrl(url)}${path}: the answer is not JSON`);
  }
}

/** Registers AVRO_SCHEMA under `subject` (a no-op when it is there); its global id. */
export async function registerSchema(url: string, subject: string): Promise<number> {
  const answer = await call(url, `/subjects/${encodeURIComponent(subject)}/versions`, {
    method: "POST",
    headers: { "content-type": CONTENT_TYPE },
    body: JSON.stringify({ schema: JSON.stringify(AVRO_SCHEMA) }),
  }) as { id?: unknown };
  if (typeof answer.id !== "number") {
    throw new RegistryError(`--schema-registry ${shownUrl(url)}: no schema id in its answer`);
  }
  return answer.id;
}

/** The schema registered with `id`, parsed. */
export async function schemaById(url: string, id: number): Promise<unknown> {
  const answer = await call(url, `/schemas/ids/${id}`) as { schema?: unknown };
  if (typeof answer.schema !== "string") {
    throw new RegistryError(`--schema-registry ${shownUrl(url)}: no schema for id ${id}`);
  }
  return JSON.parse(answer.schema);
}

/** The producer's value encoder for the settings' format; avro registers the schema first. */
export async function producerValueEncoder(settings: KafkaSettings): Promise<ValueEncoder | null> {
  if (settings.valueFormat !== "avro") return valueEncoder(settings.valueFormat);
  const id = await registerSchema(settings.schemaRegistry!, valueSubject(settings.topic));
  return valueEncoder("avro", id);
}

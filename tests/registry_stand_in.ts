/**
 * A stand-in for a Schema Registry: the two calls of the Confluent API that a producer and a
 * reader of the wire format make (register a schema under a subject, fetch a schema by id), on
 * 127.0.0.1 and a free port. Used because no registry can be run here: Apicurio Registry's app
 * (io.apicurio:apicurio-registry-app 2.6.13.Final, 3.0.9, 3.3.3) does not resolve from Maven
 * Central (docs/kafka_formats.md, "Schema Registry").
 */
export interface RegistryStandIn {
  url: string;
  /** Each request as `METHOD path`, in order. */
  requests: string[];
  stop(): Promise<void>;
}

export function startRegistryStandIn(): RegistryStandIn {
  const ids = new Map<string, number>();
  const schemas: string[] = [];
  const requests: string[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    requests.push(`${req.method} ${path}`);
    const register = /^\/subjects\/[^/]+\/versions$/.exec(path);
    if (register && req.method === "POST") {
      const { schema } = await req.json();
      if (typeof schema !== "string") return json({ error_code: 422, message: "no schema" }, 422);
      if (!ids.has(schema)) ids.set(schema, schemas.push(schema));
      return json({ id: ids.get(schema) });
    }
    const byId = /^\/schemas\/ids\/(\d+)$/.exec(path);
    if (byId && req.method === "GET") {
      const schema = schemas[Number(byId[1]) - 1];
      return schema ? json({ schema }) : json({ error_code: 40403, message: "not found" }, 404);
    }
    return json({ error_code: 404, message: "not found" }, 404);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    stop: () => server.shutdown(),
  };
}

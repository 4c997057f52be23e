import assert from "node:assert/strict";
import { CONSUMER_GROUP } from "./init_sql.ts";

Deno.test("init.sql: its Kafka engine reads as the consumer group status asks Kafka about", () => {
  const sql = Deno.readTextFileSync(new URL("../../sql/init.sql", import.meta.url));
  assert.match(sql, new RegExp(`kafka_group_name = '${CONSUMER_GROUP}'`));
});

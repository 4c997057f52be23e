import assert from "node:assert/strict";
import { defaultWorkers } from "./default_workers.ts";

Deno.test("one worker per core, unless the day tasks of a few securities cannot be shared out evenly", () => {
  assert.equal(defaultWorkers(3, 1, 2), 3); // 3 day tasks on 2 cores: one per security
  assert.equal(defaultWorkers(5, 1, 2), 5);
  assert.equal(defaultWorkers(3, 2, 4), 4); // no more securities than cores
  assert.equal(defaultWorkers(1, 5, 2), 2);
  assert.equal(defaultWorkers(4, 1, 2), 2); // 4 tasks share out over 2 cores
  assert.equal(defaultWorkers(3, 5, 2), 2); // 15 tasks: 8 rounds, the idle tail is small
  assert.equal(defaultWorkers(3, 0, 2), 2); // continuous
  assert.equal(defaultWorkers(9, 1, 2), 2); // more than four per core: memory
});

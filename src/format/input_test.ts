import assert from "node:assert/strict";
import { newRecord } from "../core/events.ts";
import { listInputs, SessionLog } from "./input.ts";
import { HEADER_SIZE } from "./header.ts";
import { testLogBytes } from "./test_log.ts";
import { withDir } from "../core/test_dirs.ts";

/** 3 chunks of 4 records. */
const BYTES = testLogBytes(
  Array.from({ length: 12 }, (_, i) => ({ ...newRecord(), tsNs: 1000 + 10 * i, orderId: i + 1 })),
);
const compressed = (bytes: Uint8Array, at: number) =>
  new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 4, true);
const CHUNK1 = 64 + 32 + compressed(BYTES, 64);

function read(path: string, verify = true) {
  const log = SessionLog.open(path, { verify });
  const ids: number[] = [];
  try {
    log.forEach((r) => ids.push(r.orderId));
  } finally {
    log.close();
  }
  return { ids, damage: log.damage };
}

function manifest(dir: string, files: string[]): void {
  Deno.writeTextFileSync(
    `${dir}/manifest.json`,
    JSON.stringify({
      format_version: "1.0",
      sessions: files.map((file, i) => ({ date: `2026-01-0${i + 2}`, seed: i, file })),
    }),
  );
}

Deno.test("a sound file gives every record and no damage", () =>
  withDir((dir) => {
    Deno.writeFileSync(`${dir}/a.qrsdp`, BYTES);
    const { ids, damage } = read(`${dir}/a.qrsdp`);
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.equal(damage, null);
  }));

Deno.test("a byte flipped in chunk 1: chunk 0 is used, the damage names file, byte and chunk", () =>
  withDir((dir) => {
    const bad = BYTES.slice();
    bad[CHUNK1 + 40] ^= 1;
    Deno.writeFileSync(`${dir}/a.qrsdp`, bad);
    const { ids, damage } = read(`${dir}/a.qrsdp`);
    assert.deepEqual(ids, [1, 2, 3, 4]);
    assert.equal(damage?.chunk, 1);
    assert.equal(damage?.offset, CHUNK1);
    assert.match(
      damage!.message,
      new RegExp(`a\\.qrsdp: byte ${CHUNK1}: chunk 1: fails its checksum`),
    );
  }));

Deno.test("without verification a changed record byte passes; a cut file is damage either way", () =>
  withDir((dir) => {
    const bad = BYTES.slice();
    // The last byte of chunk 1's compressed data: a literal of the last record's order_id.
    bad[CHUNK1 + 32 + compressed(bad, CHUNK1) - 1] ^= 1;
    Deno.writeFileSync(`${dir}/a.qrsdp`, bad);
    assert.equal(read(`${dir}/a.qrsdp`).damage?.chunk, 1);
    assert.equal(read(`${dir}/a.qrsdp`, false).damage, null);
    Deno.writeFileSync(`${dir}/b.qrsdp`, BYTES.subarray(0, CHUNK1 + 10));
    const cut = read(`${dir}/b.qrsdp`, false);
    assert.deepEqual(cut.ids, [1, 2, 3, 4]);
    assert.equal(cut.damage?.offset, CHUNK1);
    assert.equal(cut.damage?.chunk, 1);
  }));

Deno.test("a header alone with HAS_INDEX set, or a file never closed, is damage", () =>
  withDir((dir) => {
    Deno.writeFileSync(`${dir}/h.qrsdp`, BYTES.subarray(0, HEADER_SIZE));
    assert.match(read(`${dir}/h.qrsdp`).damage!.detail, /index is missing/);
    const tailless = BYTES.subarray(0, BYTES.length - 16);
    Deno.writeFileSync(`${dir}/t.qrsdp`, tailless);
    assert.notEqual(read(`${dir}/t.qrsdp`).damage, null);
  }));

Deno.test("listInputs: a manifest path out of the run, or a link out, is refused", () =>
  withDir((dir) => {
    Deno.mkdirSync(`${dir}/run`);
    Deno.writeFileSync(`${dir}/other.qrsdp`, BYTES);
    manifest(`${dir}/run`, ["../other.qrsdp"]);
    assert.throws(() => listInputs([`${dir}/run`]), /outside the run directory/);
    Deno.symlinkSync(`${dir}/other.qrsdp`, `${dir}/run/link.qrsdp`);
    manifest(`${dir}/run`, ["link.qrsdp"]);
    assert.throws(() => listInputs([`${dir}/run`]), /leads outside the run directory/);
  }));

Deno.test("listInputs: sessions in order, and the same file twice is refused", () =>
  withDir((dir) => {
    Deno.mkdirSync(`${dir}/run`);
    Deno.writeFileSync(`${dir}/run/a.qrsdp`, BYTES);
    Deno.writeFileSync(`${dir}/run/b.qrsdp`, BYTES);
    manifest(`${dir}/run`, ["a.qrsdp", "b.qrsdp"]);
    const { sessions, runs } = listInputs([`${dir}/run/`]);
    assert.deepEqual(sessions.map((s) => [s.date, s.path]), [
      ["2026-01-02", `${dir}/run/a.qrsdp`],
      ["2026-01-03", `${dir}/run/b.qrsdp`],
    ]);
    assert.deepEqual(runs.map((r) => r.dir), [`${dir}/run`]);
    assert.throws(() => listInputs([`${dir}/run`, `${dir}/run/b.qrsdp`]), /given twice/);
    Deno.symlinkSync(`${dir}/run/a.qrsdp`, `${dir}/alias.qrsdp`);
    assert.throws(() => listInputs([`${dir}/run/a.qrsdp`, `${dir}/alias.qrsdp`]), /given twice/);
    assert.throws(() => listInputs([dir]), /without manifest.json/);
  }));

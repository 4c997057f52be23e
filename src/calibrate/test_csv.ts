// Fixtures for the unit tests of the CSV readers.
import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { CsvReader } from "./csv_reader.ts";

/** A temporary .csv file holding `text`. */
export function csvFile(text: string): string {
  const path = Deno.makeTempFileSync({ suffix: ".csv" });
  Deno.writeTextFileSync(path, text);
  return path;
}

/** Every line's fields, as CsvReader (which parses every line afresh) reads them. */
export function csvLines(path: string, max: number): number[][] {
  const reader = new CsvReader(path, max);
  const lines: number[][] = [];
  try {
    for (let n = reader.next(); n !== null; n = reader.next()) {
      lines.push(Array.from(reader.fields.subarray(0, n)));
    }
  } finally {
    reader.close();
  }
  return lines;
}

/** The message of the DataError `read` throws (failing when it throws none). */
export function dataErrorOf(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    assert.ok(e instanceof DataError);
    return e.message;
  }
  throw new Error("no error");
}

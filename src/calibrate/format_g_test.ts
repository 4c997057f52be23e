import assert from "node:assert/strict";
import { formatG } from "./format_g.ts";

Deno.test("formatG prints like glibc %g: fixed and exponential forms, stripped zeros", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [4, "4"],
    [16.86912345, "16.8691"],
    [0.00374125, "0.00374125"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [100000, "100000"],
    [1000000, "1e+06"],
    [123456789, "1.23457e+08"],
    [4 / 3, "1.33333"],
    [2 / 3, "0.666667"],
    [5e-324, "4.94066e-324"],
    [1e-12, "1e-12"],
    [0.3, "0.3"],
    [0.55, "0.55"],
    [456.317, "456.317"],
    [1.5e300, "1.5e+300"],
  ];
  for (const [x, want] of cases) assert.equal(formatG(x), want, `formatG(${x})`);
});

Deno.test("formatG rounds exact ties to even and carries into the exponent", () => {
  assert.equal(formatG(123456.5), "123456"); // toPrecision(6) says 123457
  assert.equal(formatG(123457.5), "123458");
  assert.equal(formatG(999999.5), "1e+06");
  assert.equal(formatG(9999995), "1e+07");
  assert.equal(formatG(0.1234565), "0.123456"); // binary value lies below the tie
  assert.equal(formatG(99999.95), "99999.9"); // likewise
});

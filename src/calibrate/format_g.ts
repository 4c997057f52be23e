/**
 * C's `printf("%g")` (precision 6) for finite doubles, as glibc prints it: rounding uses the
 * exact binary value and resolves exact ties to even, which `toPrecision` does not (it rounds
 * ties up), and the exponent has at least two digits (calibration.md §5.1).
 */
export function formatG(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const [digits, exponent] = roundSignificant(Math.abs(x), 6);
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.slice(1).replace(/0+$/, "");
    const e = Math.abs(exponent).toString().padStart(2, "0");
    return `${sign}${digits[0]}${fraction ? "." + fraction : ""}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  let whole: string, fraction: string;
  if (exponent >= 0) {
    whole = digits.slice(0, exponent + 1);
    fraction = digits.slice(exponent + 1);
  } else {
    whole = "0";
    fraction = "0".repeat(-exponent - 1) + digits;
  }
  fraction = fraction.replace(/0+$/, "");
  return `${sign}${whole}${fraction ? "." + fraction : ""}`;
}

/**
 * The `precision` significant digits of x > 0 (exact half-even rounding of its binary value)
 * and the decimal exponent of the first of them.
 */
function roundSignificant(x: number, precision: number): [string, number] {
  const [mantissa, power] = binaryParts(x);
  // x = mantissa * 2^power = digits * 10^scale, exactly.
  let all: string, scale: number;
  if (power >= 0) {
    all = (mantissa << BigInt(power)).toString();
    scale = 0;
  } else {
    all = (mantissa * 5n ** BigInt(-power)).toString();
    scale = power;
  }
  let exponent = all.length - 1 + scale;
  if (all.length <= precision) return [all.padEnd(precision, "0"), exponent];
  const kept = all.slice(0, precision);
  const rest = all.slice(precision);
  let up: boolean;
  if (rest[0] > "5") up = true;
  else if (rest[0] < "5") up = false;
  else if (/[1-9]/.test(rest.slice(1))) up = true;
  else up = (kept.charCodeAt(precision - 1) - 48) % 2 === 1;
  if (!up) return [kept, exponent];
  let rounded = (BigInt(kept) + 1n).toString();
  if (rounded.length > precision) {
    rounded = rounded.slice(0, precision);
    exponent++;
  }
  return [rounded, exponent];
}

/** x = mantissa * 2^power with an integer mantissa, for a finite x > 0. */
function binaryParts(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  if (biased === 0) return [fraction, -1074];
  return [fraction | (1n << 52n), biased - 1075];
}

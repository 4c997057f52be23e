/**
 * The line `console.log(...args)` prints: a leading string's %s %d %i %f %j %o %O %c and %% take
 * the arguments in turn (as node:util's `format` has them), the rest follow, space separated,
 * anything but a string inspected as Deno's console shows it. Ours so that printing does not load
 * node:util, which starts Deno's Node compatibility layer (4-5 ms of every start).
 */
export function consoleText(args: unknown[]): string {
  const [first, ...rest] = args;
  if (typeof first !== "string") return args.map(inspected).join(" ");
  if (rest.length === 0) return first;
  let next = 0;
  const text = first.replace(/%([sdifjoOc%])/g, (spec, c: string) => {
    if (c === "%") return "%";
    if (next >= rest.length) return spec;
    const a = rest[next++];
    switch (c) {
      case "s":
        return typeof a === "string" ? a : typeof a === "bigint" ? `${a}n` : inspected(a);
      case "d":
      case "i": {
        if (typeof a === "bigint") return `${a}n`;
        if (typeof a === "object" && a !== null) return "NaN";
        const n = Number(a);
        return String(c === "i" ? Math.trunc(n) : n);
      }
      case "f":
        return typeof a === "symbol" ? "NaN" : String(parseFloat(String(a)));
      case "j":
        try {
          return JSON.stringify(a) ?? "undefined";
        } catch {
          return "[Circular]";
        }
      case "c":
        return "";
      default:
        return inspected(a);
    }
  });
  return [text, ...rest.slice(next).map(inspected)].join(" ");
}

function inspected(a: unknown): string {
  return typeof a === "string" ? a : Deno.inspect(a);
}

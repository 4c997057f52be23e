type FlagTable = Record<string, { type: string; default: string | boolean; help: string }>;

/** Help text printed from a command's flag table, so the defaults shown are the defaults used. */
export function flagHelp(flags: FlagTable): string {
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = f.type === "boolean" ? `--${name}` : `--${name} <value>`;
    const def = f.type === "boolean" || f.default === "" ? "" : ` (default ${f.default})`;
    return [left, f.help + def];
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`).join("\n");
}

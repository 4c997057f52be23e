/**
 * JSON text in which bigints (u64 seeds) are written as plain integers, exactly: JSON numbers may
 * be that large, only JavaScript's JSON.stringify refuses them.
 */
export function toJson(value: unknown, space?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_, v) => {
    if (typeof v !== "bigint") return v;
    marks.push(v.toString());
    return `\u0000${marks.length - 1}`;
  }, space);
  return text.replace(/"\\u0000(\d+)"/g, (_, i) => marks[Number(i)]);
}

import { ROOT } from "./helpers.ts";

/** The user documentation: the README, then every page of docs/, by name. */
export function docPages(): string[] {
  const pages = [...Deno.readDirSync(`${ROOT}/docs`)]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", ...pages];
}

export interface Fence {
  /** 1-based line of the opening fence. */
  line: number;
  /** What follows the backticks: `sh`, `sh server`, `json`, or "". */
  info: string;
  body: string;
}

/** The fenced code blocks of a Markdown text. */
export function fences(text: string): Fence[] {
  const out: Fence[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith(open[1])) body.push(lines[j++]);
    out.push({ line: i + 1, info: open[2].trim(), body: body.join("\n") });
    i = j;
  }
  return out;
}

/** The lines outside fenced blocks, as they are. */
export function outsideFences(text: string): string[] {
  const out: string[] = [];
  let inFence: string | null = null;
  for (const line of text.split("\n")) {
    const fence = /^(`{3,})/.exec(line)?.[1];
    if (inFence === null && fence) inFence = fence;
    else if (inFence !== null && fence?.startsWith(inFence)) inFence = null;
    else if (inFence === null) out.push(line);
  }
  return out;
}

/** What a reader sees as prose: the lines outside fenced blocks, without inline code. */
export function prose(text: string): string {
  return outsideFences(text).map((line) => line.replace(/(`+)[^`]*?\1/g, "")).join("\n");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

/** The anchors of a page's headings, with GitHub's -1, -2 for repeats. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideFences(text)) {
    const h = /^#{1,6} (.*)$/.exec(line);
    if (!h) continue;
    const base = anchor(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

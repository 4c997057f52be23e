// The page and its chart library, embedded in the program (no CDN, nothing read at run time).
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import indexHtml from "./web/index.html" with { type: "text" };
import appJs from "./web/app.js" with { type: "text" };
import appCss from "./web/app.css" with { type: "text" };
import { favicon } from "./favicon.ts";

export const ASSETS: Record<string, { body: string | Uint8Array<ArrayBuffer>; type: string }> = {
  "/index.html": { body: indexHtml, type: "text/html; charset=utf-8" },
  "/app.js": { body: appJs, type: "text/javascript; charset=utf-8" },
  "/app.css": { body: appCss, type: "text/css; charset=utf-8" },
  "/uplot.js": { body: uplotJs, type: "text/javascript; charset=utf-8" },
  "/uplot.css": { body: uplotCss, type: "text/css; charset=utf-8" },
  "/favicon.ico": { body: favicon(), type: "image/x-icon" },
};

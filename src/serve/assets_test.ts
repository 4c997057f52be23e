import assert from "node:assert/strict";
import { ASSETS } from "./assets.ts";

Deno.test("the page puts text from the server in as text: no markup built from strings, no inline script or style", () => {
  const js = ASSETS["/app.js"].body as string;
  for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("]) {
    assert.ok(!js.includes(sink), `app.js uses ${sink}`);
  }
  const html = ASSETS["/index.html"].body as string;
  // The content security policy allows only scripts and styles from files of this server.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i);
  assert.doesNotMatch(html, /<style/);
});

Deno.test("every asset is embedded, the icon too", () => {
  for (
    const path of ["/index.html", "/app.js", "/app.css", "/uplot.js", "/uplot.css", "/favicon.ico"]
  ) {
    assert.ok(ASSETS[path].body.length > 0, path);
  }
  assert.equal(ASSETS["/favicon.ico"].type, "image/x-icon");
});

/** Bytes gathered before a write: large enough to be fast, small enough to stay constant. */
const FLUSH_AT = 1 << 20;

/** A text file written line by line through a fixed-size buffer. */
export class TextFile {
  private readonly file: Deno.FsFile;
  private readonly encoder = new TextEncoder();
  private parts: string[] = [];
  private length = 0;

  constructor(readonly path: string) {
    this.file = Deno.openSync(path, { write: true, create: true, truncate: true });
  }

  line(text: string): void {
    this.parts.push(text, "\n");
    this.length += text.length + 1;
    if (this.length >= FLUSH_AT) this.flush();
  }

  close(): void {
    this.flush();
    this.file.close();
  }

  private flush(): void {
    const bytes = this.encoder.encode(this.parts.join(""));
    for (let at = 0; at < bytes.length;) at += this.file.writeSync(bytes.subarray(at));
    this.parts = [];
    this.length = 0;
  }
}

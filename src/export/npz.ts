/**
 * A NumPy `.npz` of one structured array, written as it is made: a zip archive (stored, not
 * compressed) holding `NAME.npy` (NumPy's format 1.0: magic, header dict, raw little-endian rows).
 * The rows go to the file first; the array's length, the CRC-32 and the sizes are written into the
 * headers once the last row is in.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Zip's CRC-32 (IEEE 802.3), continued from `crc` (start with 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The .npy header's room: enough for any length, a multiple of 64 as NumPy aligns it. */
const NPY_HEADER_SIZE = 256;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const END_SIZE = 22;
/** Zip's stored sizes are u32 (a larger archive would need Zip64). */
const MAX_ZIP_BYTES = 0xffff_ffff;

/** NumPy's header for a 1-d array of `length` rows of `descr` (its `dtype.descr`, as text). */
export function npyHeader(descr: string, length: number): Uint8Array {
  const dict = `{'descr': ${descr}, 'fortran_order': False, 'shape': (${length},), }`;
  const room = NPY_HEADER_SIZE - 10;
  if (dict.length + 1 > room) throw new Error("npy header does not fit");
  const out = new Uint8Array(NPY_HEADER_SIZE);
  out.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0]);
  new DataView(out.buffer).setUint16(8, room, true);
  out.set(new TextEncoder().encode(dict.padEnd(room - 1, " ") + "\n"), 10);
  return out;
}

export class NpzWriter {
  private readonly file: Deno.FsFile;
  private readonly name: Uint8Array;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private rows = 0;
  private readonly dataStart: number;
  private dataBytes = 0;

  /**
   * `descr` is the dtype as NumPy prints `dtype.descr`; each row is `rowBytes` long and is filled
   * through the DataView `row()` hands out.
   */
  constructor(
    readonly path: string,
    arrayName: string,
    private readonly descr: string,
    private readonly rowBytes: number,
  ) {
    this.name = new TextEncoder().encode(`${arrayName}.npy`);
    this.buffer = new Uint8Array(rowBytes * 16_384);
    this.view = new DataView(this.buffer.buffer);
    this.file = Deno.openSync(path, { write: true, read: true, create: true, truncate: true });
    this.dataStart = LOCAL_HEADER_SIZE + this.name.length + NPY_HEADER_SIZE;
    this.file.seekSync(this.dataStart, Deno.SeekMode.Start);
  }

  /** The next row's bytes: write all `rowBytes` of them at the returned offset of `view`. */
  row(): { view: DataView; at: number } {
    if (this.used + this.rowBytes > this.buffer.length) this.flush();
    const at = this.used;
    this.used += this.rowBytes;
    this.rows++;
    return { view: this.view, at };
  }

  get length(): number {
    return this.rows;
  }

  private flush(): void {
    const bytes = this.buffer.subarray(0, this.used);
    for (let at = 0; at < bytes.length;) at += this.file.writeSync(bytes.subarray(at));
    this.dataBytes += bytes.length;
    this.used = 0;
    if (this.dataStart + this.dataBytes > MAX_ZIP_BYTES - 4096) {
      throw new Error(`${this.path}: more than 4 GiB, beyond a zip without Zip64`);
    }
  }

  /** Writes the headers and the zip directory, and closes the file. */
  close(): void {
    try {
      this.flush();
      const header = npyHeader(this.descr, this.rows);
      let crc = crc32(header);
      const chunk = new Uint8Array(1 << 20);
      this.file.seekSync(this.dataStart, Deno.SeekMode.Start);
      for (let left = this.dataBytes; left > 0;) {
        const n = this.file.readSync(chunk.subarray(0, Math.min(chunk.length, left)));
        if (n === null || n === 0) {
          throw new Error(`${this.path}: cannot read back what was written`);
        }
        crc = crc32(chunk.subarray(0, n), crc);
        left -= n;
      }
      const size = NPY_HEADER_SIZE + this.dataBytes;
      const local = this.entryHeader(0x04034b50, LOCAL_HEADER_SIZE, crc, size);
      this.file.seekSync(0, Deno.SeekMode.Start);
      this.writeAll(local);
      this.writeAll(header);
      const central = this.entryHeader(0x02014b50, CENTRAL_HEADER_SIZE, crc, size);
      const end = new Uint8Array(END_SIZE);
      const e = new DataView(end.buffer);
      e.setUint32(0, 0x06054b50, true);
      e.setUint16(8, 1, true);
      e.setUint16(10, 1, true);
      e.setUint32(12, central.length, true);
      e.setUint32(16, LOCAL_HEADER_SIZE + this.name.length + size, true);
      this.file.seekSync(0, Deno.SeekMode.End);
      this.writeAll(central);
      this.writeAll(end);
    } finally {
      this.file.close();
    }
  }

  /** A local (30 bytes) or central (46 bytes) header for the one stored entry, name included. */
  private entryHeader(signature: number, fixed: number, crc: number, size: number): Uint8Array {
    const out = new Uint8Array(fixed + this.name.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, signature, true);
    const central = fixed === CENTRAL_HEADER_SIZE;
    let at = 4;
    if (central) v.setUint16((at += 2) - 2, 20, true); // version made by
    v.setUint16(at, 20, true); // version needed
    // flags 0, method 0 (stored), time 0, date 1980-01-01
    v.setUint16(at + 8, 0x21, true);
    v.setUint32(at + 10, crc, true);
    v.setUint32(at + 14, size, true);
    v.setUint32(at + 18, size, true);
    v.setUint16(at + 22, this.name.length, true);
    // extra length 0; for the central header: comment 0, disk 0, attributes 0, local offset 0
    out.set(this.name, fixed);
    return out;
  }

  private writeAll(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length;) at += this.file.writeSync(bytes.subarray(at));
  }
}

/**
 * A NumPy `.npz` of one structured array, written as it is made: a zip archive (stored, not
 * compressed) holding `NAME.npy` (NumPy's format 1.0: magic, header dict, raw little-endian rows).
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

/** Where the bytes go: the output layer's file (temporary name, renamed when complete). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
}

/**
 * The .npz of `length` rows, streamed: the zip entry's local header (its CRC and sizes in the data
 * descriptor after the data, zip's flag 3, as the CRC is known only at the end), NumPy's header,
 * the rows as they are made, then the descriptor and the zip directory.
 */
export class NpzWriter {
  private readonly name: Uint8Array;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private used = 0;
  private rows = 0;
  private crc: number;
  private readonly size: number;

  constructor(
    private readonly out: ByteSink,
    arrayName: string,
    descr: string,
    private readonly rowBytes: number,
    private readonly length: number,
  ) {
    this.name = new TextEncoder().encode(`${arrayName}.npy`);
    this.size = NPY_HEADER_SIZE + length * rowBytes;
    if (LOCAL_HEADER_SIZE + this.size + 1024 > MAX_ZIP_BYTES) {
      throw new Error(`${length} rows are more than 4 GiB, beyond a zip without Zip64`);
    }
    this.buffer = new Uint8Array(rowBytes * 16_384);
    this.view = new DataView(this.buffer.buffer);
    this.out.write(this.entryHeader(0x04034b50, LOCAL_HEADER_SIZE, 0, 0));
    const header = npyHeader(descr, length);
    this.crc = crc32(header);
    this.out.write(header);
  }

  /** The next row's bytes: write all `rowBytes` of them at the returned offset of `view`. */
  row(): { view: DataView; at: number } {
    if (this.rows === this.length) throw new Error(`more than the ${this.length} rows announced`);
    if (this.used + this.rowBytes > this.buffer.length) this.flush();
    const at = this.used;
    this.used += this.rowBytes;
    this.rows++;
    return { view: this.view, at };
  }

  private flush(): void {
    const bytes = this.buffer.subarray(0, this.used);
    this.crc = crc32(bytes, this.crc);
    this.out.write(bytes.slice());
    this.used = 0;
  }

  /** Writes the data descriptor and the zip directory; every announced row must be in. */
  finish(): void {
    if (this.rows !== this.length) {
      throw new Error(`${this.rows} rows written of the ${this.length} announced`);
    }
    this.flush();
    const descriptor = new Uint8Array(16);
    const d = new DataView(descriptor.buffer);
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(4, this.crc, true);
    d.setUint32(8, this.size, true);
    d.setUint32(12, this.size, true);
    this.out.write(descriptor);
    const central = this.entryHeader(0x02014b50, CENTRAL_HEADER_SIZE, this.crc, this.size);
    const end = new Uint8Array(END_SIZE);
    const e = new DataView(end.buffer);
    e.setUint32(0, 0x06054b50, true);
    e.setUint16(8, 1, true);
    e.setUint16(10, 1, true);
    e.setUint32(12, central.length, true);
    e.setUint32(16, LOCAL_HEADER_SIZE + this.name.length + this.size + descriptor.length, true);
    this.out.write(central);
    this.out.write(end);
  }

  /** A local (30 bytes) or central (46 bytes) header for the one stored entry, name included. */
  private entryHeader(signature: number, fixed: number, crc: number, size: number): Uint8Array {
    const out = new Uint8Array(fixed + this.name.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, signature, true);
    let at = 4;
    if (fixed === CENTRAL_HEADER_SIZE) v.setUint16((at += 2) - 2, 20, true); // version made by
    v.setUint16(at, 20, true); // version needed
    v.setUint16(at + 2, 0x08, true); // flag 3: CRC and sizes in the data descriptor
    // method 0 (stored), time 0, date 1980-01-01
    v.setUint16(at + 8, 0x21, true);
    v.setUint32(at + 10, crc, true);
    v.setUint32(at + 14, size, true);
    v.setUint32(at + 18, size, true);
    v.setUint16(at + 22, this.name.length, true);
    // extra length 0; for the central header: comment 0, disk 0, attributes 0, local offset 0
    out.set(this.name, fixed);
    return out;
  }
}

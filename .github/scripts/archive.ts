/**
 * Writes the release archives in memory, with no external tool: a gzip-compressed ustar tarball
 * for Linux and macOS, a deflate zip for Windows. Entries sit at the top level (Homebrew's
 * `bin.install "aws-sso"` and scoop's `"bin": "aws-sso.exe"` find them there), owned by root, with
 * one fixed modification time, so the same inputs give the same bytes.
 *
 * @module
 */

/** One file of an archive. */
export interface ArchiveEntry {
  /** Path inside the archive (ASCII, no leading slash). */
  name: string;
  /** File content. */
  data: Uint8Array;
  /** Unix permission bits, e.g. `0o755` for the executable. */
  mode: number;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/** A `.tar.gz` holding `entries`, every entry dated `mtime`. */
export async function createTarGz(entries: ArchiveEntry[], mtime: Date): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    checkName(entry.name);
    parts.push(tarHeader(entry, mtime), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(2 * BLOCK)); // end-of-archive marker
  return await compress(concat(parts), "gzip");
}

function tarHeader(entry: ArchiveEntry, mtime: Date): Uint8Array {
  const header = new Uint8Array(BLOCK);
  const put = (offset: number, length: number, text: string) => {
    const bytes = encoder.encode(text);
    if (bytes.length > length) throw new Error(`tar field too long for ${entry.name}: ${text}`);
    header.set(bytes, offset);
  };
  const octal = (value: number, length: number) =>
    value.toString(8).padStart(length - 1, "0") + "\0";
  put(0, 100, entry.name);
  put(100, 8, octal(entry.mode & 0o7777, 8));
  put(108, 8, octal(0, 8)); // uid
  put(116, 8, octal(0, 8)); // gid
  put(124, 12, octal(entry.data.length, 12));
  put(136, 12, octal(Math.floor(mtime.getTime() / 1000), 12));
  put(148, 8, "        "); // checksum is computed with this field as spaces
  put(156, 1, "0"); // regular file
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  put(265, 32, "root");
  put(297, 32, "root");
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return header;
}

/** A `.zip` holding `entries` (deflated), every entry dated `mtime` (UTC). */
export async function createZip(entries: ArchiveEntry[], mtime: Date): Promise<Uint8Array> {
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const { time, date } = dosDateTime(mtime);
  for (const entry of entries) {
    checkName(entry.name);
    const name = encoder.encode(entry.name);
    const compressed = await compress(entry.data, "deflate-raw");
    const crc = crc32(entry.data);
    if (offset > 0xffffffff || compressed.length > 0xffffffff) {
      throw new Error(`${entry.name} is too large for a zip without zip64`);
    }
    const header = new DataView(new ArrayBuffer(30));
    header.setUint32(0, 0x04034b50, true); // local file header signature
    header.setUint16(4, 20, true); // version needed: 2.0 (deflate)
    header.setUint16(6, 0, true); // flags
    header.setUint16(8, 8, true); // method: deflate
    header.setUint16(10, time, true);
    header.setUint16(12, date, true);
    header.setUint32(14, crc, true);
    header.setUint32(18, compressed.length, true);
    header.setUint32(22, entry.data.length, true);
    header.setUint16(26, name.length, true);
    header.setUint16(28, 0, true); // extra field length
    local.push(new Uint8Array(header.buffer), name, compressed);

    const record = new DataView(new ArrayBuffer(46));
    record.setUint32(0, 0x02014b50, true); // central directory header signature
    record.setUint16(4, (3 << 8) | 20, true); // made by: Unix, so the mode below applies
    record.setUint16(6, 20, true);
    record.setUint16(8, 0, true);
    record.setUint16(10, 8, true);
    record.setUint16(12, time, true);
    record.setUint16(14, date, true);
    record.setUint32(16, crc, true);
    record.setUint32(20, compressed.length, true);
    record.setUint32(24, entry.data.length, true);
    record.setUint16(28, name.length, true);
    // 30 extra length, 32 comment length, 34 disk number, 36 internal attributes: all 0
    record.setUint32(38, ((0o100000 | (entry.mode & 0o7777)) << 16) >>> 0, true);
    record.setUint32(42, offset, true);
    central.push(new Uint8Array(record.buffer), name);

    offset += 30 + name.length + compressed.length;
  }
  const directory = concat(central);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true); // end of central directory signature
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directory.length, true);
  end.setUint32(16, offset, true);
  return concat([...local, directory, new Uint8Array(end.buffer)]);
}

function dosDateTime(when: Date): { time: number; date: number } {
  // DOS dates start in 1980; the time has two-second resolution.
  const year = Math.max(when.getUTCFullYear(), 1980);
  return {
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) |
      Math.floor(when.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
  };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip uses) of `data`. */
export function crc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9._-][A-Za-z0-9._/-]*$/.test(name) || name.includes("..")) {
    throw new Error(`unsafe archive entry name "${name}"`);
  }
}

async function compress(data: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream(format),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

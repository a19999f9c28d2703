import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';
// zlib.crc32 arrived in Node 20.15; the functions run on Nodejs18.15 (cloudbaserc.json).
import { buf as crc32 } from 'crc-32';

/**
 * A ZIP entry compressed in pieces: each piece is raw deflate ended with a full flush (byte-aligned, no
 * back-reference into an earlier piece), so pieces made by different chunks of a job concatenate into one
 * valid deflate stream, and the entry's CRC-32 and sizes are running figures a chunk adds to its state.
 * APPNOTE.TXT (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT) §4.3, §4.4; RFC 1951 §3.2.
 */
export interface EntryFigures {
  /** CRC-32 of the uncompressed bytes so far (unsigned) */
  crc: number;
  /** uncompressed bytes so far */
  raw: number;
  /** compressed bytes so far */
  packed: number;
}

export const NO_BYTES: EntryFigures = { crc: 0, raw: 0, packed: 0 };

/** One piece of an entry: its deflated bytes and the entry's figures with it added. */
export function deflatePiece(data: Buffer, before: EntryFigures, last = false): { bytes: Buffer; figures: EntryFigures } {
  // A full flush leaves the stream open for the next piece; the last piece finishes it (a final block).
  const bytes = deflateRawSync(data, last ? {} : { finishFlush: constants.Z_FULL_FLUSH });
  return { bytes, figures: { crc: crc32(data, before.crc) >>> 0, raw: before.raw + data.length, packed: before.packed + bytes.length } };
}

/** MS-DOS date and time of a ZIP header (APPNOTE §4.4.6), in UTC. */
function dosTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((Math.max(1980, at.getUTCFullYear()) - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** Sizes past these need ZIP64, which this writer does not write. */
const ZIP32_MAX = 0xffffffff;

/**
 * Writes a ZIP file to `path` entry by entry: an entry's header first (its CRC and sizes must be known), then
 * its compressed bytes as they come, so no entry is ever held whole in memory.
 */
export class ZipFileWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly central: Buffer[] = [];
  private readonly stamp: { time: number; date: number };

  constructor(path: string, at: Date) {
    this.fd = openSync(path, 'w');
    this.stamp = dosTime(at);
  }

  private write(b: Buffer): void {
    writeSync(this.fd, b);
    this.offset += b.length;
  }

  /** Starts an entry (deflated); its compressed bytes follow through `data`. */
  begin(name: string, figures: EntryFigures): void {
    if (figures.raw > ZIP32_MAX || figures.packed > ZIP32_MAX || this.offset > ZIP32_MAX) throw new Error(`zip entry ${name} too large`);
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(this.stamp.time, 10);
    local.writeUInt16LE(this.stamp.date, 12);
    local.writeUInt32LE(figures.crc, 14);
    local.writeUInt32LE(figures.packed, 18);
    local.writeUInt32LE(figures.raw, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    local.copy(central, 6, 4, 28); // version needed … name length, as in the local header
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(0, 38); // external attributes
    central.writeUInt32LE(this.offset, 42);
    this.central.push(central, nameBytes);
    this.write(local);
    this.write(nameBytes);
  }

  /** Compressed bytes of the current entry. */
  data(bytes: Buffer): void {
    this.write(bytes);
  }

  /** A small entry whole. */
  add(name: string, content: Buffer): void {
    const { bytes, figures } = deflatePiece(content, NO_BYTES, true);
    this.begin(name, figures);
    this.data(bytes);
  }

  /** Writes the central directory and closes the file. */
  finish(): void {
    try {
      const start = this.offset;
      for (const b of this.central) this.write(b);
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(this.central.length / 2, 8);
      end.writeUInt16LE(this.central.length / 2, 10);
      end.writeUInt32LE(this.offset - start, 12);
      end.writeUInt32LE(start, 16);
      this.write(end);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file without finishing it (after a failure). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

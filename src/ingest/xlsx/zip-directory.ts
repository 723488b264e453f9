import { createReadStream, promises as fs } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { WorkbookLimits } from './limits.ts';

// An .xlsx file is a zip. We read its index (the central directory at the end of the file) before
// any XML parser sees a byte, so that a zip bomb is refused from a few kilobytes of reading.

/** One part of the zip as its central directory describes it. */
export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** A part whose local header was read: `dataOffset` is where its stored bytes start. */
export interface LocatedEntry extends ZipEntry {
  dataOffset: number;
}

export interface ZipProblem {
  ok: false;
  code: 'FILE_FORMAT' | 'FILE_LIMIT' | 'FILE_MALFORMED';
  message: string;
}

export interface EndRecord {
  entryCount: number;
  directorySize: number;
  directoryOffset: number;
  /** Offset of the end record itself in the file. */
  offset: number;
}

const END_SIGNATURE = 0x06054b50;
const ENTRY_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;
const STORED = 0;
const DEFLATED = 8;

/** Bytes at the end of a file that surely hold the end record (record plus longest comment). */
export const END_SEARCH_BYTES = END_RECORD_SIZE + MAX_COMMENT;

export const DAMAGED =
  'the workbook is damaged or incomplete (perhaps cut short while uploading): open it in Excel, save it again as .xlsx and send it again';

function damaged(detail: string): ZipProblem {
  return { ok: false, code: 'FILE_MALFORMED', message: `${DAMAGED} [${detail}]` };
}

/** Finds the end-of-central-directory record in the last bytes of a file (`tailOffset` is where they start). */
export function parseEndRecord(tail: Buffer, tailOffset: number): EndRecord | ZipProblem {
  for (let at = tail.length - END_RECORD_SIZE; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== END_SIGNATURE) continue;
    const commentLength = tail.readUInt16LE(at + 20);
    if (at + END_RECORD_SIZE + commentLength > tail.length) continue;
    const disk = tail.readUInt16LE(at + 4);
    const directoryDisk = tail.readUInt16LE(at + 6);
    const onDisk = tail.readUInt16LE(at + 8);
    const entryCount = tail.readUInt16LE(at + 10);
    const directorySize = tail.readUInt32LE(at + 12);
    const directoryOffset = tail.readUInt32LE(at + 16);
    if (disk !== 0 || directoryDisk !== 0 || onDisk !== entryCount)
      return damaged('split across several files');
    // ZIP64 marks these fields 0xFFFF…: only files far beyond our limits need it.
    if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff)
      return {
        ok: false,
        code: 'FILE_LIMIT',
        message:
          'the workbook is a ZIP64 file (over 4 GB or over 65,535 parts), far larger than a partner sheet we read: split it into smaller files',
      };
    const offset = tailOffset + at;
    if (directoryOffset + directorySize > offset) return damaged('index points past its end');
    return { entryCount, directorySize, directoryOffset, offset };
  }
  return damaged('no zip index at the end of the file');
}

/** Reads the central directory's entries; `count` is the end record's entry count. */
export function parseCentralDirectory(directory: Buffer, count: number): ZipEntry[] | ZipProblem {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== ENTRY_SIGNATURE)
      return damaged(`index entry ${i + 1} is unreadable`);
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > directory.length) return damaged(`index entry ${i + 1} is cut short`);
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      name: nameBytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1'),
      flags,
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    });
    at = end;
  }
  return entries;
}

const MB = 1024 * 1024;

/** A size as a partner reads it: 1.5 GB, 240 MB, 12 KB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(1)} GB`;
  if (bytes >= MB) return `${Math.ceil(bytes / MB).toLocaleString('en-US')} MB`;
  return `${Math.ceil(bytes / 1024).toLocaleString('en-US')} KB`;
}

/** Refuses a zip with more parts than a workbook has, before its index is even read. */
export function checkEntryCount(count: number, limits: WorkbookLimits): ZipProblem | null {
  if (count <= limits.maxZipEntries) return null;
  return {
    ok: false,
    code: 'FILE_LIMIT',
    message: `the workbook is made of ${count.toLocaleString('en-US')} parts, more than the ${limits.maxZipEntries.toLocaleString('en-US')} we read (Excel writes a few dozen): copy the sheets into a new workbook and send that`,
  };
}

/** Refuses a zip whose index already shows it is not a workbook we read safely. */
export function checkZipEntries(
  entries: readonly ZipEntry[],
  limits: WorkbookLimits,
): ZipProblem | null {
  const tooMany = checkEntryCount(entries.length, limits);
  if (tooMany) return tooMany;
  let total = 0;
  for (const entry of entries) {
    if (entry.flags & FLAG_ENCRYPTED)
      return {
        ok: false,
        code: 'FILE_FORMAT',
        message: 'the workbook is an encrypted zip: save it as .xlsx without a password',
      };
    if (entry.method !== STORED && entry.method !== DEFLATED)
      return {
        ok: false,
        code: 'FILE_FORMAT',
        message: `part ${entry.name} of the workbook is compressed with a method Excel does not use (zip method ${entry.method}): save it again from Excel as .xlsx`,
      };
    total += entry.uncompressedSize;
    if (
      entry.uncompressedSize >= limits.ratioCheckMinBytes &&
      entry.uncompressedSize > entry.compressedSize * limits.maxCompressionRatio
    ) {
      const ratio = Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1));
      return {
        ok: false,
        code: 'FILE_LIMIT',
        message: `part ${entry.name} of the workbook unpacks to ${ratio.toLocaleString('en-US')} times its stored size (${formatBytes(entry.uncompressedSize)}), more than the ${limits.maxCompressionRatio}:1 a spreadsheet reaches: the file looks built to exhaust memory and is not read`,
      };
    }
  }
  if (total > limits.maxUncompressedBytes)
    return {
      ok: false,
      code: 'FILE_LIMIT',
      message: `the workbook unpacks to ${formatBytes(total)}, more than the ${formatBytes(limits.maxUncompressedBytes)} we read: split it into smaller files`,
    };
  return null;
}

/**
 * Reads and checks a workbook's zip index: limits, then every part's local header, which must
 * match the index and follow the previous part without a gap. We read parts through the index
 * only; bytes it does not account for (a part smuggled between listed ones, two entries over the
 * same bytes) are what crafted files use against readers that walk the local headers.
 */
export async function readZipDirectory(
  file: string,
  limits: WorkbookLimits,
): Promise<{ ok: true; entries: LocatedEntry[] } | ZipProblem> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, END_SEARCH_BYTES);
    const tail = await readAt(handle, size - tailLength, tailLength);
    const end = parseEndRecord(tail, size - tailLength);
    if ('ok' in end) return end;
    // The count is checked before the directory is read: its size follows from the count.
    const tooMany = checkEntryCount(end.entryCount, limits);
    if (tooMany) return tooMany;
    const directory = await readAt(handle, end.directoryOffset, end.directorySize);
    const entries = parseCentralDirectory(directory, end.entryCount);
    if (!Array.isArray(entries)) return entries;
    const refused = checkZipEntries(entries, limits);
    if (refused) return refused;
    const names = new Set(entries.map((e) => e.name));
    if (names.size !== entries.length) return damaged('a part is listed twice');
    const located: LocatedEntry[] = [];
    for (const entry of [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
      const header = await readAt(handle, entry.localHeaderOffset, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE)
        return damaged(`part ${entry.name} is missing`);
      const nameLength = header.readUInt16LE(26);
      const dataOffset = entry.localHeaderOffset + 30 + nameLength + header.readUInt16LE(28);
      const localName = await readAt(handle, entry.localHeaderOffset + 30, nameLength);
      const encoding = header.readUInt16LE(6) & FLAG_UTF8 ? 'utf8' : 'latin1';
      if (localName.toString(encoding) !== entry.name)
        return damaged(`part ${entry.name} is stored under another name`);
      located.push({ ...entry, dataOffset });
    }
    let expected = 0;
    for (const entry of located) {
      if (entry.localHeaderOffset !== expected)
        return damaged(`unlisted bytes before part ${entry.name}`);
      expected = entry.dataOffset + entry.compressedSize;
      if (entry.flags & FLAG_DATA_DESCRIPTOR) expected = await skipDescriptor(handle, expected);
    }
    if (expected !== end.directoryOffset) return damaged('unlisted bytes before the index');
    return { ok: true, entries: located };
  } finally {
    await handle.close();
  }
}

/** A part written as a stream is followed by a data descriptor (with or without its signature). */
async function skipDescriptor(handle: fs.FileHandle, at: number): Promise<number> {
  const head = await readAt(handle, at, 4);
  return head.length === 4 && head.readUInt32LE(0) === 0x08074b50 ? at + 16 : at + 12;
}

async function readAt(handle: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The unpacked bytes of one part, read straight from the file (no streaming zip parser involved). */
export function openZipEntry(file: string, entry: LocatedEntry, chunkSize = 256 * 1024): Readable {
  if (entry.compressedSize === 0) return Readable.from([]);
  const stored = createReadStream(file, {
    start: entry.dataOffset,
    end: entry.dataOffset + entry.compressedSize - 1,
    highWaterMark: chunkSize,
  });
  if (entry.method !== DEFLATED) return stored;
  // pipeline, not pipe: a read error must reach whoever iterates the inflated stream.
  return pipeline(stored, createInflateRaw({ chunkSize }), () => {});
}

/** What a workbook may hold before we refuse it with FILE_LIMIT; one policy, every limit named. */
export interface WorkbookLimits {
  /** Rows a worksheet may hold (Excel's own maximum is 1,048,576). */
  maxRowsPerSheet: number;
  /** Columns a row may fill with values; Excel allows 16,384, our sheets use about 30. */
  maxColumns: number;
  /** Characters in one cell (Excel's own maximum is 32,767). */
  maxCellLength: number;
  /** Parts (zip entries) of the workbook file; Excel writes a few dozen. */
  maxZipEntries: number;
  /** Sum of the parts' unpacked sizes as the zip declares them. */
  maxUncompressedBytes: number;
  /** Unpacked size ÷ stored size of one part; spreadsheets compress about 10:1, zip bombs 1000:1. */
  maxCompressionRatio: number;
  /** Parts smaller than this unpacked are not held to the ratio: they cannot exhaust anything. */
  ratioCheckMinBytes: number;
  /** Heap of the worker thread that parses the workbook (resourceLimits.maxOldGenerationSizeMb). */
  workerMemoryMb: number;
  /** Wall-clock time the worker may take before it is stopped. */
  workerTimeLimitMs: number;
}

export const WORKBOOK_LIMITS: Readonly<WorkbookLimits> = Object.freeze({
  maxRowsPerSheet: 1_048_576,
  maxColumns: 256,
  maxCellLength: 32_767,
  maxZipEntries: 1_000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioCheckMinBytes: 1024 * 1024,
  workerMemoryMb: 1024,
  workerTimeLimitMs: 5 * 60 * 1000,
});

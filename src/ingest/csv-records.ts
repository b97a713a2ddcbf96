import { createReadStream } from "node:fs";
import { CsvGrammarError, CsvRecordParser, type ParsedRecord } from "./csv-record-parser.js";

export type CsvRecord = ParsedRecord;

/** Raised for input the CSV grammar or UTF-8 rejects, with the line where it happens. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams the records of an RFC 4180 file (UTF-8, optional BOM) with the line each starts on, in
 * batches (the records completed by each 1 MB read: one await per batch, not per record).
 * Memory stays bounded whatever the file size; `onChunk` sees the raw bytes as they are read
 * (for progress and checksums).
 */
export async function* readCsvBatches(
  filePath: string,
  onChunk?: (chunk: Buffer) => void,
): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvRecordParser();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const decode = (bytes?: Buffer) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new CsvSyntaxError(parser.currentLine, "the file is not valid UTF-8 here (save it as UTF-8)");
    }
  };
  try {
    for await (const chunk of createReadStream(filePath, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      onChunk?.(chunk);
      yield parser.push(decode(chunk));
    }
    yield [...parser.push(decode()), ...parser.end()];
  } catch (error) {
    if (error instanceof CsvGrammarError) throw new CsvSyntaxError(error.line, error.message);
    throw error;
  }
}

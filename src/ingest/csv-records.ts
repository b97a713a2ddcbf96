import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { parse, CsvError } from "csv-parse";

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

/** Raised for a record the CSV grammar rejects (broken quoting and the like). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams the records of an RFC 4180 file (UTF-8, optional BOM) with the line each starts on.
 * Memory stays bounded whatever the file size; `onChunk` sees the raw bytes as they are read
 * (for progress and checksums).
 */
export async function* readCsvRecords(
  filePath: string,
  onChunk?: (chunk: Buffer) => void,
): AsyncGenerator<CsvRecord> {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onChunk?.(chunk);
      callback(null, chunk);
    },
  });
  const parser = parse({
    bom: true,
    info: true,
    // Field counts are checked by the caller, which can say which columns are missing.
    relax_column_count: true,
    skip_empty_lines: true,
  });
  createReadStream(filePath)
    .on("error", (error) => parser.destroy(error))
    .pipe(counter)
    .pipe(parser);
  let nextLine = 1;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line the record ends on; blank lines before it are skipped records.
      const fields = item.record;
      const newlinesInside = fields.reduce((n, f) => n + countNewlines(f), 0);
      const endLine = item.info.lines;
      const line = Math.max(nextLine, endLine - newlinesInside);
      nextLine = endLine + 1;
      yield { line, fields };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      // An unclosed quote is only noticed at the end of the file: point at the record it opens.
      const reported = (error as CsvError & { lines?: number }).lines ?? nextLine;
      const line = error.code === "CSV_QUOTE_NOT_CLOSED" ? nextLine : reported;
      throw new CsvSyntaxError(line, describeCsvError(error));
    }
    throw error;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed (missing closing quote)";
    case "CSV_INVALID_CLOSING_QUOTE":
      return 'a quote inside a quoted field must be doubled ("")';
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return "unexpected characters after a closing quote";
    case "INVALID_OPENING_QUOTE":
      return "a quote appears inside an unquoted field (quote the whole field and double the quote)";
    default:
      return error.message.replace(/^Invalid Record: /, "");
  }
}

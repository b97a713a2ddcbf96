/**
 * An RFC 4180 record parser that is fed text in chunks and hands back complete records with the
 * line each starts on. Written for the import's hot path: one pass over the characters, fields
 * sliced out of the chunk where they lie in it.
 *
 * Accepts: comma separator; LF, CRLF or CR line ends; quoted fields with doubled quotes and
 * embedded line breaks; a leading UTF-8 BOM; blank lines (skipped). Rejects, naming the line: a
 * quote inside an unquoted field, characters after a closing quote, a quoted field never closed.
 */
export interface ParsedRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

export class CsvGrammarError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvRecordParser {
  private line = 1;
  private recordLine = 1;
  private fields: string[] = [];
  /** The part of the current field carried over from earlier chunks (or unescaped quotes). */
  private field = "";
  /** Inside a quoted field. */
  private quoted = false;
  /** A chunk ended on a quote inside a quoted field: closing quote, or the first of a pair? */
  private quoteAtChunkEnd = false;
  /** The current field was quoted and its closing quote has been read. */
  private closedQuote = false;
  /** Anything of the current record read, so a blank line can be told from a record of one empty field. */
  private recordStarted = false;
  /** The previous chunk ended on CR: an LF at the start of this one belongs to it. */
  private crAtChunkEnd = false;
  private atStart = true;

  /** The line the parser has reached (for errors found outside the grammar, such as bad UTF-8). */
  get currentLine(): number {
    return this.line;
  }

  /** Parses a chunk; returns the records completed in it. */
  push(chunk: string): ParsedRecord[] {
    const records: ParsedRecord[] = [];
    const length = chunk.length;
    // The states carried over from the previous chunk are settled by this chunk's first character.
    if (length === 0) return records;
    let i = 0;
    if (this.atStart) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.crAtChunkEnd) {
      this.crAtChunkEnd = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    let start = i;
    if (this.quoteAtChunkEnd) {
      this.quoteAtChunkEnd = false;
      if (chunk.charCodeAt(i) === QUOTE) {
        this.field += '"';
        i++;
        start = i;
      } else {
        this.quoted = false;
        this.closedQuote = true;
      }
    }
    while (i < length) {
      const c = chunk.charCodeAt(i);
      if (this.quoted) {
        if (c === QUOTE) {
          if (i + 1 === length) {
            this.field += chunk.slice(start, i);
            this.quoteAtChunkEnd = true;
            return records;
          }
          if (chunk.charCodeAt(i + 1) === QUOTE) {
            this.field += chunk.slice(start, i + 1);
            i += 2;
            start = i;
            continue;
          }
          this.field += chunk.slice(start, i);
          this.quoted = false;
          this.closedQuote = true;
          i++;
          start = i;
          continue;
        }
        // Line breaks inside a quoted field: count LFs (a CRLF is one line; a lone CR is data).
        if (c === LF) this.line++;
        i++;
        continue;
      }
      if (c === COMMA) {
        this.fields.push(this.field + chunk.slice(start, i));
        this.field = "";
        this.closedQuote = false;
        this.recordStarted = true;
        i++;
        start = i;
      } else if (c === LF || c === CR) {
        const value = this.field + chunk.slice(start, i);
        if (this.recordStarted || value !== "" || this.closedQuote) {
          this.fields.push(value);
          records.push({ line: this.recordLine, fields: this.fields });
          this.fields = [];
        }
        this.field = "";
        this.closedQuote = false;
        this.recordStarted = false;
        this.line++;
        this.recordLine = this.line;
        i++;
        if (c === CR) {
          if (i === length) this.crAtChunkEnd = true;
          else if (chunk.charCodeAt(i) === LF) i++;
        }
        start = i;
      } else if (this.closedQuote) {
        throw new CsvGrammarError(this.line, 'a quote inside a quoted field must be doubled ("")');
      } else if (c === QUOTE) {
        if (i !== start || this.field !== "") {
          throw new CsvGrammarError(
            this.line,
            "a quote appears inside an unquoted field (quote the whole field and double the quote)",
          );
        }
        this.quoted = true;
        this.recordStarted = true;
        i++;
        start = i;
      } else {
        i++;
      }
    }
    this.field += chunk.slice(start, length);
    return records;
  }

  /** Ends the input; returns the last record when the text does not end with a line break. */
  end(): ParsedRecord[] {
    if (this.quoteAtChunkEnd) {
      this.quoteAtChunkEnd = false;
      this.quoted = false;
      this.closedQuote = true;
    }
    if (this.quoted) {
      throw new CsvGrammarError(this.recordLine, "a quoted field is never closed (missing closing quote)");
    }
    if (!this.recordStarted && this.field === "" && !this.closedQuote) return [];
    this.fields.push(this.field);
    const record = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.field = "";
    this.recordStarted = false;
    this.closedQuote = false;
    return [record];
  }
}

import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvGrammarError, CsvRecordParser, type ParsedRecord } from "../../src/ingest/csv-record-parser.js";

/** Parses `text` fed in pieces cut at the given offsets. */
function parseInChunks(text: string, cuts: readonly number[] = []): ParsedRecord[] {
  const parser = new CsvRecordParser();
  const records: ParsedRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  records.push(...parser.push(text.slice(from)));
  records.push(...parser.end());
  return records;
}

function grammarError(text: string): CsvGrammarError {
  try {
    parseInChunks(text);
  } catch (error) {
    if (error instanceof CsvGrammarError) return error;
    throw error;
  }
  throw new Error(`expected a grammar error for ${JSON.stringify(text)}`);
}

describe("CsvRecordParser", () => {
  it("reads records with the line each starts on, skipping blank lines and a BOM", () => {
    expect(parseInChunks('\ufeffa,b\r\n1,2\n\n"x\ny",3\n4,\n')).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
      { line: 4, fields: ["x\ny", "3"] },
      { line: 6, fields: ["4", ""] },
    ]);
  });

  it("keeps doubled quotes, empty quoted fields and a last record without a line break", () => {
    expect(parseInChunks('"say ""hi""",""\n"",x')).toEqual([
      { line: 1, fields: ['say "hi"', ""] },
      { line: 2, fields: ["", "x"] },
    ]);
  });

  it("names the line of a quote inside an unquoted field", () => {
    const error = grammarError('a,b\n1,2\nx"y,3\n');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/quote appears inside an unquoted field/);
  });

  it("names the line of characters after a closing quote", () => {
    expect(grammarError('a\n"x"y\n').line).toBe(2);
  });

  it("names the line where a never-closed quoted field starts", () => {
    const error = grammarError('a,b\n1,2\n"x,3\n4,5\n');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/never closed/);
  });

  const safeField = fc.string({
    unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r\n", "é", "€", "1"),
  });
  const record = fc.array(safeField, { minLength: 1, maxLength: 5 });
  const quoteField = (f: string) => (/[",\r\n]/.test(f) || f === "" ? `"${f.replace(/"/g, '""')}"` : f);

  it("agrees with csv-parse on any well-formed file, however it is cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (records, eol, trailingEol, rawCuts) => {
          const text = records.map((r) => r.map(quoteField).join(",")).join(eol) + (trailingEol ? eol : "");
          const cuts = rawCuts.map((n) => n % (text.length + 1));
          const ours = parseInChunks(text, cuts).map((r) => r.fields);
          const theirs = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reports the same starting lines whether or not the text is cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (records, rawCuts) => {
          const text = records.map((r) => r.map(quoteField).join(",")).join("\n") + "\n";
          const cuts = rawCuts.map((n) => n % (text.length + 1));
          expect(parseInChunks(text, cuts)).toEqual(parseInChunks(text));
          // Each record starts on the line after the previous one ends.
          let expectedLine = 1;
          for (const r of parseInChunks(text)) {
            expect(r.line).toBe(expectedLine);
            expectedLine +=
              1 +
              r.fields.reduce(
                (n, f) => n + (f.match(/\n/g)?.length ?? 0) + (f.match(/\r(?!\n)/g)?.length ?? 0),
                0,
              );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { isCurrencyCode, minorDigits, parseCurrency } from "../../src/domain/currency.js";
import {
  assertMinorUnits,
  divideRoundHalfUp,
  formatMinorUnits,
  formatMoney,
  money,
  parseMinorUnits,
} from "../../src/domain/money.js";

describe("currencies", () => {
  it.each([
    ["JPY", 0],
    ["USD", 2],
    ["EUR", 2],
    ["KWD", 3],
    ["CLF", 4],
  ])("gives %s %i minor digits", (code, digits) => {
    expect(minorDigits(code)).toBe(digits);
  });

  it("normalises a currency code to upper case", () => {
    expect(parseCurrency(" usd ")).toBe("USD");
  });

  it("rejects a code that is not ISO 4217, such as the typo USS", () => {
    expect(() => parseCurrency("USS")).toThrow('unknown currency "USS" (expected an ISO 4217 code)');
    expect(isCurrencyCode("USS")).toBe(false);
    expect(isCurrencyCode("usd")).toBe(false);
  });
});

describe("parseMinorUnits", () => {
  it.each([
    // currency with 0 minor digits: 1,234 yen is 1234 minor units
    ["1234", "JPY", 1234],
    ["0", "JPY", 0],
    // 2 minor digits: 1,234.50 dollars is 123,450 cents
    ["1234.5", "USD", 123_450],
    ["1234.50", "USD", 123_450],
    ["1234", "USD", 123_400],
    ["0.01", "USD", 1],
    ["-12.34", "USD", -1_234],
    ["007.10", "USD", 710],
    // 3 minor digits: 1.234 dinars is 1,234 fils
    ["1.234", "KWD", 1_234],
    ["1.2", "KWD", 1_200],
    ["0.001", "KWD", 1],
  ])("parses %j %s as %i minor units", (text, currency, expected) => {
    expect(parseMinorUnits(text, currency)).toBe(expected);
  });

  it.each([
    ["1.234", "USD", '"1.234" has 3 decimals; USD has at most 2'],
    ["12.5", "JPY", '"12.5" has 1 decimals; JPY has none'],
    ["1.2345", "KWD", '"1.2345" has 4 decimals; KWD has at most 3'],
    ["1,000.00", "USD", '"1,000.00" is not a decimal amount (digits with an optional "." and decimals)'],
    ["1e3", "USD", '"1e3" is not a decimal amount (digits with an optional "." and decimals)'],
    ["+5", "USD", '"+5" is not a decimal amount (digits with an optional "." and decimals)'],
    ["", "USD", '"" is not a decimal amount (digits with an optional "." and decimals)'],
    [" 5", "USD", '" 5" is not a decimal amount (digits with an optional "." and decimals)'],
    ["5 ", "USD", '"5 " is not a decimal amount (digits with an optional "." and decimals)'],
    [".5", "USD", '".5" is not a decimal amount (digits with an optional "." and decimals)'],
    ["5.", "USD", '"5." is not a decimal amount (digits with an optional "." and decimals)'],
    ["1,5", "EUR", '"1,5" is not a decimal amount (digits with an optional "." and decimals)'],
    ["NaN", "USD", '"NaN" is not a decimal amount (digits with an optional "." and decimals)'],
    ["90071992547409.93", "USD", '"90071992547409.93" is too large'],
  ])("rejects %j in %s instead of guessing or rounding", (text, currency, message) => {
    expect(() => parseMinorUnits(text, currency)).toThrow(new RangeError(message));
  });

  it("accepts the largest safe amount exactly", () => {
    expect(parseMinorUnits("90071992547409.91", "USD")).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("formatMinorUnits", () => {
  it.each([
    [123_450, "USD", "1234.50"],
    [-123_450, "USD", "-1234.50"],
    [5, "USD", "0.05"],
    [-5, "USD", "-0.05"],
    [0, "USD", "0.00"],
    [1234, "JPY", "1234"],
    [-7, "JPY", "-7"],
    [1, "KWD", "0.001"],
    [1_234_567, "KWD", "1234.567"],
  ])("formats %i minor units of %s as %j", (amount, currency, expected) => {
    expect(formatMinorUnits(amount, currency)).toBe(expected);
  });

  it("refuses a fractional number of minor units", () => {
    expect(() => formatMinorUnits(1.5, "USD")).toThrow("1.5 is not an integer number of minor units");
  });

  const currency = fc.constantFrom("JPY", "USD", "KWD");
  const amount = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

  it("property: parse(format(amount)) gives the amount back, for 0, 2 and 3 minor digits", () => {
    fc.assert(
      fc.property(amount, currency, (minor, code) => {
        expect(parseMinorUnits(formatMinorUnits(minor, code), code)).toBe(minor);
      }),
    );
  });

  it("property: format(parse(text)) gives canonical text back unchanged", () => {
    fc.assert(
      fc.property(
        amount.filter((minor) => minor !== 0),
        currency,
        (minor, code) => {
          const canonical = formatMinorUnits(minor, code);
          expect(formatMinorUnits(parseMinorUnits(canonical, code), code)).toBe(canonical);
        },
      ),
    );
  });

  it("property: format(parse(text)) pads short decimals to the currency's digits", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 9 }), (whole, tenth) => {
        expect(formatMinorUnits(parseMinorUnits(`${whole}.${tenth}`, "USD"), "USD")).toBe(
          `${whole}.${tenth}0`,
        );
        expect(formatMinorUnits(parseMinorUnits(`${whole}.${tenth}`, "KWD"), "KWD")).toBe(
          `${whole}.${tenth}00`,
        );
      }),
    );
  });
});

describe("formatMoney", () => {
  it("formats for people with the locale's grouping and symbol", () => {
    expect(formatMoney({ amount: 123_450, currency: parseCurrency("USD") })).toBe("$1,234.50");
    // de-DE separates the symbol with a no-break space
    expect(formatMoney({ amount: 123_450, currency: parseCurrency("EUR") }, "de-DE")).toBe("1.234,50\u00a0€");
  });

  it("shows no decimals for yen and three for dinars", () => {
    expect(formatMoney({ amount: 1_234, currency: parseCurrency("JPY") }, "en-US")).toBe("¥1,234");
    expect(formatMoney({ amount: 1_234, currency: parseCurrency("KWD") }, "en-US")).toBe("KWD\u00a01.234");
  });
});

describe("money and assertMinorUnits", () => {
  it("builds a Money value from integer minor units", () => {
    expect(money(100, parseCurrency("USD"))).toEqual({ amount: 100, currency: "USD" });
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("rejects %d minor units", (amount) => {
    expect(() => money(amount, parseCurrency("USD"))).toThrow(RangeError);
    expect(() => assertMinorUnits(amount)).toThrow(RangeError);
  });
});

describe("divideRoundHalfUp", () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [5n, -2n, -3n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [-4n, 3n, -1n],
    [0n, 7n, 0n],
    [7n, 7n, 1n],
  ])("divides %i by %i as %i, halves away from zero", (numerator, denominator, expected) => {
    expect(divideRoundHalfUp(numerator, denominator)).toBe(expected);
  });

  it("refuses to divide by zero", () => {
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow("division by zero");
  });

  it("property: the quotient is the nearest integer, ties away from zero", () => {
    fc.assert(
      fc.property(
        fc.bigInt(),
        fc.bigInt().filter((d) => d !== 0n),
        (n, d) => {
          const q = divideRoundHalfUp(n, d);
          const abs = (x: bigint) => (x < 0n ? -x : x);
          // |q − n/d| ≤ 1/2, i.e. |2(q·d − n)| ≤ |d|
          const twiceError = abs(2n * (q * d - n));
          expect(twiceError <= abs(d)).toBe(true);
          // on an exact tie the result is the one farther from zero
          if (twiceError === abs(d)) expect(abs(q) * abs(d) > abs(n)).toBe(true);
        },
      ),
    );
  });
});

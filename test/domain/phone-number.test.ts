import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toE164 } from "../../src/domain/phone-number.js";

describe("toE164", () => {
  it.each([
    ["+44 20 7946 0321", "+442079460321"],
    ["+44 (0)20 7946-0321", "+442079460321"],
    ["0044 20 7946 0321", "+442079460321"],
    ["+1 (415) 555-0123", "+14155550123"],
    ["+33 1 99 00 12 34", "+33199001234"],
    ["+49 30 23125 012", "+493023125012"],
    ["  +31.20.799.1234 ", "+31207991234"],
    ["+1234567", "+1234567"],
    ["+123456789012345", "+123456789012345"],
  ])("writes %s as %s", (written, e164) => {
    expect(toE164(written)).toBe(e164);
  });

  it.each([
    ["020 7946 0321", "no country code"],
    ["(0)20 7946 0321", "no country code"],
    ["+0 20 7946 0321", "a country code cannot start with 0"],
    ["+123456", "too short"],
    ["+1234567890123456", "longer than 15 digits"],
    ["+44 20 7946 0321 ext 12", "letters"],
    ["+44 20 7946 0321; +44 20 7946 0322", "two numbers"],
    ["", "empty"],
    ["+", "no digits"],
  ])("refuses %s (%s)", (written) => {
    expect(toE164(written)).toBeNull();
  });

  it("gives back any E.164 number unchanged, however it is spaced", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 14 }),
        fc.array(fc.constantFrom("", " ", "-", "."), { minLength: 15, maxLength: 15 }),
        (first, rest, separators) => {
          const e164 = `+${first}${rest.join("")}`;
          const written = `+${[first, ...rest].map((d, i) => `${d}${separators[i]}`).join("")}`;
          expect(toE164(written)).toBe(e164);
          expect(toE164(e164)).toBe(e164);
        },
      ),
    );
  });
});

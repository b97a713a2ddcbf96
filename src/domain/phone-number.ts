/**
 * Phone numbers for text messages, in E.164 (`+` country code and subscriber number, at most 15
 * digits). Ledger files carry phone numbers as people write them ("+44 20 7946 0321",
 * "0044 (0)20 7946-0321"); an SMS provider needs the international form. A number written
 * without its country code is not guessed from the customer's country: a wrong guess texts a
 * stranger, so such a number is refused and the contact must be corrected.
 */

/**
 * The E.164 form of a phone number written with its international prefix (`+` or `00`), with
 * spaces, dots, hyphens, slashes, parentheses and a trunk "(0)" allowed between digits; null when
 * it is not one.
 *
 * @example toE164("+44 (0)20 7946-0321") // "+442079460321"
 * @example toE164("020 7946 0321")      // null (no country code)
 */
export function toE164(written: string): string | null {
  let text = written.trim();
  if (text.startsWith("00")) text = `+${text.slice(2)}`;
  if (!text.startsWith("+")) return null;
  // "(0)" is the trunk prefix some countries print after the country code; it is never dialled.
  const rest = text.slice(1).replace(/\(0\)/g, "");
  if (!/^[\d\s.()/-]+$/.test(rest)) return null;
  const digits = rest.replace(/\D/g, "");
  if (!/^[1-9]\d{6,14}$/.test(digits)) return null;
  return `+${digits}`;
}

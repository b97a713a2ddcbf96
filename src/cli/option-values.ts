/** Option values shared by the resolution commands: lists of refs and whole numbers. */
import { UserError } from "./run-command.js";

/** A comma-separated list of refs: "A,B" → ["A", "B"]. */
export function refList(text: string, option: string): string[] {
  const refs = text
    .split(",")
    .map((ref) => ref.trim())
    .filter((ref) => ref !== "");
  if (refs.length === 0) throw new UserError(`${option} needs at least one value`);
  return refs;
}

/** A whole number option: "3" → 3; anything else is a user error naming the option. */
export function wholeNumber(text: string, option: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new UserError(`${option} must be a whole number, not "${text}"`);
  return Number(text);
}

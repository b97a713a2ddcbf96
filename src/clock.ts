/** The one source of "now". Services take a Clock so tests and replays can fix time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** @example fixedClock("2026-12-03T09:00:00Z") */
export function fixedClock(instant: string | Date): Clock {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) throw new RangeError(`"${String(instant)}" is not an instant`);
  return { now: () => new Date(at.getTime()) };
}

/** RECOUP_NOW (an ISO instant) fixes the clock for a whole process: used by tests and replays. */
export function clockFromEnvironment(env: NodeJS.ProcessEnv = process.env): Clock {
  return env.RECOUP_NOW ? fixedClock(env.RECOUP_NOW) : systemClock;
}

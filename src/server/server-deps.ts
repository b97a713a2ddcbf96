import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { todayIn, type CalendarDate } from "../domain/calendar-date.js";

/** What the HTTP layer is given: the store it reads and writes, and the clock that says when "today" is. */
export interface ServerDeps {
  store: RecoupStore;
  clock: Clock;
}

/** Today in the store's time zone, from the injected clock. */
export function today({ store, clock }: ServerDeps): CalendarDate {
  return todayIn(clock.now(), store.timeZone);
}

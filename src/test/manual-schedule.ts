import type { Schedule } from '../chat/answers/paced-text';

/** A schedule whose turns the test runs by hand. */
export function manualSchedule() {
  const queue: (() => void)[] = [];
  const schedule: Schedule = (run) => {
    queue.push(run);
    return () => queue.splice(queue.indexOf(run), 1);
  };
  return { schedule, queue, runNext: () => queue.shift()?.() };
}

/** The time source. Tests replace it; nothing else reads Date.now() for business rules. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

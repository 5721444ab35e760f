/** The current time in epoch ms; injected so tests control time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

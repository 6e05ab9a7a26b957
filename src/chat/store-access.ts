/**
 * The part of the store one piece of a slice reads and writes: `get` and `set` narrowed to its fields, so
 * that what it touches is in its signature. An update that returns the state it was given changes nothing.
 */
export interface StoreAccess<State> {
  readonly get: () => State;
  readonly set: (change: Partial<State> | ((state: State) => Partial<State>)) => void;
}

/** A piece that only writes. */
export type StoreWrite<State> = Pick<StoreAccess<State>, 'set'>;

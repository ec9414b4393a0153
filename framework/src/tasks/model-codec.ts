// ModelCodec: how the argument encoding recognises, flattens and rebuilds model instances.

/**
 * The bridge between task arguments and the model registry. The tasks code only depends on this
 * interface; the models code provides an implementation backed by its registry.
 *
 * Contract: `fromJSON(nameOf(m), toJSON(m))` rebuilds a real instance of `m`'s class. What
 * `toJSON` returns is itself encoded like any argument (so it may hold Dates, BigInts or other
 * model instances), and `fromJSON` receives an equal value.
 */
export interface ModelCodec {
  /** The model name of `value` when it is an instance of a registered model class, else undefined. */
  nameOf(value: object): string | undefined;
  /** The data of a model instance (typically a plain object of its fields). */
  toJSON(value: object): unknown;
  /** A new instance of the model called `name`, from data returned by `toJSON`. Throws for an unknown name. */
  fromJSON(name: string, json: unknown): unknown;
}

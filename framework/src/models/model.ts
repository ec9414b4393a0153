// Model: the base class of every model class, and ModelClass, the type of those classes.
import { describeValue, ModelError, under } from './model-error';

/** Where a model class keeps what its registered schema says (set by `registerApiModels`). */
export const MODEL_BINDING = Symbol('pym.modelBinding');

/** What a model class knows once its schema is registered (implemented by ModelEntry). */
export interface ModelBinding {
  readonly name: string;
  readonly propertyNames: readonly string[];
  /** Copy the declared fields of `init` onto `target`, building nested models and Dates. */
  assign(target: object, init: object): void;
  /** The wire JSON of `source` (a model instance or a plain object of the model's shape). */
  encode(source: object): Record<string, unknown>;
  /** The class to build for `json` when the schema has a discriminator naming another model. */
  concreteClass(json: Record<string, unknown>): ModelClass | undefined;
}

/** The arguments of a model constructor: `init` may be left out when every field is optional. */
export type ModelInitArgs<F> = {} extends F ? [init?: F] : [init: F];

/**
 * The type of a model class `X`, as exported by a generated `*.models.ts` module and returned by `getModel`.
 * `T` is the instance type, `F` the plain shape of its fields (what `new X(...)` takes).
 */
export interface ModelClass<T extends Model = Model, F extends object = any> {
  new (...args: ModelInitArgs<F>): T;
  readonly prototype: T;
  /** The schema name, e.g. `Book`. */
  readonly modelName: string;
  /** Build an instance from wire JSON: nested models are built, ISO dates become Dates. */
  fromJSON(json: unknown): T;
  /** The declared property names, in schema order. */
  getModelProperties(): readonly string[];
}

/** The binding of a model class; throws a ModelError when its schema is not registered. */
export function bindingOf(cls: unknown): ModelBinding {
  const binding = (cls as { [MODEL_BINDING]?: ModelBinding })[MODEL_BINDING];
  if (binding) return binding;
  const name = (cls as { modelName?: string; name?: string }).modelName ?? (cls as { name?: string }).name;
  throw new ModelError(
    `Model ${name} has no schema: no spec registered with registerApiModels() defines it ` +
      '(pym start and pym worker register the specs at startup; a script must call registerApiModels() first)',
  );
}

/** True for plain objects (`{...}` literals, JSON.parse output, null-prototype objects). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The base class of every model class. Model classes are made by the registry, one per schema name;
 * their fields follow the schema and their methods come from `Model` and the schema's `x-parent`.
 *
 * @example
 * const book = new Book({ title: 'Dune', published: new Date('1965-08-01') });
 * book.toJSON(); // { title: 'Dune', published: '1965-08-01T00:00:00.000Z' }
 * Book.fromJSON({ title: 'Dune' }) instanceof Book; // true
 */
export abstract class Model {
  constructor(init?: object) {
    const binding = bindingOf(new.target);
    if (init === undefined || init === null) return;
    if (typeof init !== 'object' || Array.isArray(init)) {
      throw new ModelError(`new ${binding.name}() expects an object of fields, got ${describeValue(init)}`);
    }
    try {
      binding.assign(this, init);
    } catch (error) {
      throw under(error, binding.name);
    }
  }

  /**
   * Build an instance of this model class from wire JSON (an instance of the class is returned as is).
   * When the schema has a `discriminator`, the class named by the payload is built instead.
   */
  static fromJSON<T extends Model>(this: abstract new (...args: any[]) => T, json: unknown): T {
    if (json instanceof this) return json;
    const binding = bindingOf(this);
    if (!isPlainObject(json)) {
      throw new ModelError(`${binding.name}.fromJSON() expects an object, got ${describeValue(json)}`);
    }
    const target = (binding.concreteClass(json) ?? this) as unknown as new (init: object) => T;
    return new target(json);
  }

  /** The declared property names of this model class, in schema order. */
  static getModelProperties(): readonly string[] {
    return bindingOf(this).propertyNames;
  }

  /** The schema name of this instance's model, e.g. `Book`. */
  getModelName(): string {
    return bindingOf(this.constructor).name;
  }

  /** The declared property names of this instance's model, in schema order. */
  getModelProperties(): readonly string[] {
    return bindingOf(this.constructor).propertyNames;
  }

  /**
   * The wire JSON of this instance: undefined fields are left out, `null` is kept only for nullable
   * properties, nested models are serialized, Dates become ISO strings (`YYYY-MM-DD` for `format: date`).
   */
  toJSON(): Record<string, unknown> {
    const binding = bindingOf(this.constructor);
    try {
      return binding.encode(this);
    } catch (error) {
      throw under(error, binding.name);
    }
  }
}

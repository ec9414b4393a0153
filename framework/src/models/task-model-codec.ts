// The ModelCodec of task arguments, backed by the model registry (a worker rebuilds the same classes by name).
import type { ModelCodec } from '../tasks/model-codec';
import { Model, type ModelClass } from './model';
import { findModel, getModel } from './class-registry';

/**
 * Lets task arguments carry model instances: tagged with their model name when enqueued, rebuilt with
 * `getModel(name).fromJSON(json)` in the worker, so `instanceof` holds on both sides.
 */
export const registryModelCodec: ModelCodec = {
  nameOf(value) {
    if (!(value instanceof Model)) return undefined;
    const name = (value.constructor as ModelClass).modelName;
    // The registered class itself, not a subclass of it: the worker would rebuild the base class, without the
    // subclass's methods (the argument is then refused as a non-model class instance).
    return Object.getPrototypeOf(value) === findModel(name)?.prototype ? name : undefined;
  },
  toJSON(value) {
    return (value as Model).toJSON();
  },
  fromJSON(name, json) {
    return getModel(name).fromJSON(json);
  },
};

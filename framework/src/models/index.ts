// The public API of the models, re-exported by the framework's index.ts (generated modules import these names).

/** Model classes, their registry, and the error of both. */
export { Model, type ModelClass, type ModelInitArgs } from './model';
export { modelClass, getModel, getApiModels, listModels, models } from './class-registry';
export { registerApiModels } from './model-registry';
export { ModelError } from './model-error';

/** JSON data of any value holding models and Dates (what a reply becomes before it is validated). */
export { toWire } from './to-wire';

/** Typed handlers: generated `Handler<'operationId'>` types build on these. */
export type { HandlerOf, HandlerResult, OperationTypes } from './handler-types';

// Internal on purpose (imported by path by the HTTP layer, the tasks and the CLI): toRequestModel,
// toResponseBody, registryModelCodec, the codegen functions (generateAll, checkGenerated,
// writeGenerated), codecs and schema helpers. Their shape follows those callers, not users.

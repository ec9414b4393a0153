// The JSON value type: what task arguments become once serialized, and what an envelope carries.

/** Any value JSON can represent exactly. */
export type Json = null | boolean | number | string | Json[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

// ModelEntry: what the registry knows of one model class (its schema, fields, codecs) and how it fills and serializes instances.
import { compileSchema, type MaybeCodec } from './codec';
import type { ModelBinding, ModelClass } from './model';
import { ModelValueError, within } from './model-error';
import { findModel } from './class-registry';
import { isNullable, schemaRefName, type ObjectShape, type Schema, type SpecDocument } from './schema-utils';
import { toWire } from './to-wire';

interface Field {
  readonly name: string;
  readonly codec: MaybeCodec;
  readonly nullable: boolean;
}

/** Where a model is defined. */
export interface ModelSource {
  /** Name of the API (spec) defining it. */
  api: string;
  /** The spec file. */
  file: string;
}

/** The binding of one registered model class. */
export class ModelEntry implements ModelBinding {
  readonly propertyNames: readonly string[];
  private readonly declared: ReadonlySet<string>;
  private readonly discriminator?: { property: string; classes: ReadonlyMap<string, string> };
  private compiled?: { fields: readonly Field[]; extra: MaybeCodec | true | undefined };

  constructor(
    readonly name: string,
    readonly document: SpecDocument,
    readonly schema: Schema,
    readonly shape: ObjectShape,
    readonly sources: readonly ModelSource[],
  ) {
    this.propertyNames = Object.freeze(shape.properties.map(([property]) => property));
    this.declared = new Set(this.propertyNames);
    const discriminator = schema.discriminator;
    if (discriminator && typeof discriminator.propertyName === 'string') {
      const classes = new Map<string, string>();
      for (const [value, target] of Object.entries((discriminator.mapping ?? {}) as Record<string, unknown>)) {
        const targetName = schemaRefName(target) ?? (typeof target === 'string' ? target : undefined);
        if (targetName !== undefined) classes.set(value, targetName);
      }
      this.discriminator = { property: discriminator.propertyName, classes };
    }
  }

  assign(target: object, init: object): void {
    const { fields, extra } = this.codecs();
    const source = init as Record<string, unknown>;
    const out = target as Record<string, unknown>;
    for (const field of fields) {
      const value = source[field.name];
      if (value === undefined || (value === null && !field.nullable)) continue;
      setField(out, field.name, value === null || !field.codec ? value : convert(field.codec, 'decode', value, field.name));
    }
    if (extra === undefined) return;
    for (const key of Object.keys(source)) {
      if (this.declared.has(key) || source[key] === undefined) continue;
      // An extra key named like a method of the instance (toJSON, constructor, an x-parent method…) would hide it.
      if (key in out) throw new ModelValueError(`is the name of a method of ${this.name}: an extra property cannot be called that`).within(key);
      setField(out, key, extra === true || source[key] === null ? source[key] : convert(extra, 'decode', source[key], key));
    }
  }

  encode(source: object): Record<string, unknown> {
    const { fields, extra } = this.codecs();
    const values = source as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const value = values[field.name];
      if (value === undefined || (value === null && !field.nullable)) continue;
      setField(out, field.name, value === null || !field.codec ? value : convert(field.codec, 'encode', value, field.name));
    }
    if (extra === undefined) return out;
    for (const key of Object.keys(values)) {
      const value = values[key];
      if (this.declared.has(key) || value === undefined) continue;
      setField(out, key, value === null ? value : extra === true ? toWire(value) : convert(extra, 'encode', value, key));
    }
    return out;
  }

  concreteClass(json: Record<string, unknown>): ModelClass | undefined {
    if (!this.discriminator) return undefined;
    const value = json[this.discriminator.property];
    if (typeof value !== 'string') return undefined;
    const name = this.discriminator.classes.get(value) ?? value;
    return name === this.name ? undefined : findModel(name);
  }

  /** Field codecs, compiled at first use (after every model is registered, so refs resolve). */
  private codecs(): { fields: readonly Field[]; extra: MaybeCodec | true | undefined } {
    if (!this.compiled) {
      const fields = this.shape.properties.map(([name, property]) => ({
        name,
        codec: compileSchema(this.document, property),
        nullable: isNullable(this.document, property),
      }));
      const additional = this.shape.additional;
      const extra = additional === undefined ? undefined : additional === true ? true : (compileSchema(this.document, additional) ?? true);
      this.compiled = { fields, extra };
    }
    return this.compiled;
  }
}

function convert(codec: NonNullable<MaybeCodec>, direction: 'decode' | 'encode', value: unknown, name: string): unknown {
  try {
    return codec[direction](value);
  } catch (error) {
    throw within(error, name);
  }
}

function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

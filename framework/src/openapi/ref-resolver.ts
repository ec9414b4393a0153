// Resolve $ref strings to files and JSON pointers, reading each spec file once.
import * as path from 'node:path';
import { isPureRef } from './bundle-kinds';
import { parsePointer, resolvePointer } from './json-pointer';
import { readSpecFile } from './read-spec-file';
import { displayPath, SpecError } from './spec-error';
import type { OpenApiDocument } from './types';

/** Parsed spec files by absolute path; share one between documents to read each file once. */
export type SpecFileCache = Map<string, unknown>;

/** The file a value was read from, which its relative and `#…` refs are resolved against. */
export interface FileContext {
  /** Absolute path, or null for an in-memory root document. */
  file: string | null;
  doc: unknown;
  isRoot: boolean;
}

/** A place in another file. */
export interface ExternalTarget {
  file: string;
  /** The fragment as written, e.g. `/components/schemas/Book` (`''` for the whole file). */
  pointer: string;
  segments: string[];
}

/** Where a `$ref` leads: a ref internal to the root document, or a place in another file. */
export type Located = { internal: string } | ExternalTarget;

/** Where a chain of refs-to-refs ends: an internal ref, or real content in some file. */
export type ChainEnd = { internal: string } | { file: string; pointer: string; value: unknown };

/** Resolves the refs met while bundling one root document. */
export class RefResolver {
  readonly rootPath: string | null;
  readonly rootCtx: FileContext;

  constructor(
    private readonly root: OpenApiDocument,
    /** Absolute path of the root document, or a label such as `<builtin>`. */
    readonly rootFile: string,
    private readonly cache: SpecFileCache,
  ) {
    this.rootPath = path.isAbsolute(rootFile) ? rootFile : null;
    this.rootCtx = { file: this.rootPath, doc: root, isRoot: true };
    if (this.rootPath) cache.set(this.rootPath, root);
  }

  /** Resolve a `$ref` string seen in `ctx` at `loc` (a pointer, for messages). */
  locate(ref: string, ctx: FileContext, loc: string): Located {
    const hash = ref.indexOf('#');
    const filePart = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    const segments = parsePointer(fragment);
    if (!segments) {
      throw new SpecError(this.errorFile(ctx), `$ref "${ref}" at ${loc}: only JSON-pointer fragments are supported, e.g. "#/components/schemas/Book"`);
    }
    if (filePart === '') {
      if (!ctx.isRoot) return { file: ctx.file as string, pointer: fragment, segments };
      this.checkInternal(ref, segments, loc);
      return { internal: `#${fragment}` };
    }
    if (/^[a-z][a-z0-9+.-]+:/i.test(filePart)) {
      throw new SpecError(this.errorFile(ctx), `$ref "${ref}" at ${loc}: remote refs are not supported; use a path relative to this file`);
    }
    if (ctx.file === null) {
      throw new SpecError(this.errorFile(ctx), `$ref "${ref}" at ${loc}: an in-memory spec cannot refer to other files`);
    }
    const file = path.resolve(path.dirname(ctx.file), safeDecode(filePart));
    if (file === this.rootPath) {
      this.checkInternal(ref, segments, loc);
      return { internal: `#${fragment}` };
    }
    return { file, pointer: fragment, segments };
  }

  /**
   * Follow a target that is itself only a `$ref` until real content or an internal ref is
   * reached. `known` may end the walk early at a target already bundled.
   *
   * @returns the `file#pointer` keys passed through, and where the chain ends.
   */
  followChain(start: ExternalTarget, ctx: FileContext, loc: string, known?: (key: string) => string | undefined): { keys: string[]; end: ChainEnd } {
    const keys: string[] = [];
    let current = start;
    let from = { ctx, loc };
    for (;;) {
      const key = `${current.file}#${current.pointer}`;
      const bundled = known?.(key);
      if (bundled !== undefined) return { keys, end: { internal: bundled } };
      if (keys.includes(key)) throw new SpecError(current.file, `$ref chain loops back to #${current.pointer} without any content`);
      keys.push(key);
      const value = this.target(current, from.ctx, from.loc);
      if (!isPureRef(value)) return { keys, end: { file: current.file, pointer: current.pointer, value } };
      const fileCtx = this.contextOf(current.file);
      const next = this.locate(value.$ref, fileCtx, current.pointer);
      if ('internal' in next) return { keys, end: next };
      from = { ctx: fileCtx, loc: current.pointer };
      current = next;
    }
  }

  /** The context of a file, read and parsed on first use. */
  contextOf(file: string): FileContext {
    if (file === this.rootPath) return this.rootCtx;
    let doc = this.cache.get(file);
    if (doc === undefined) {
      doc = readSpecFile(file);
      this.cache.set(file, doc);
    }
    return { file, doc, isRoot: false };
  }

  /** The file to name in an error about `ctx`. */
  errorFile(ctx: FileContext): string {
    return ctx.file ?? this.rootFile;
  }

  private checkInternal(ref: string, segments: string[], loc: string): void {
    const found = resolvePointer(this.root, segments);
    // A pointer that goes through an external ref cannot be checked here; the validator will.
    if (!found.found && !found.throughRef) throw new SpecError(this.rootFile, `$ref "${ref}" at ${loc}: nothing at that place in this file`);
  }

  private target(located: ExternalTarget, ctx: FileContext, loc: string): unknown {
    const found = resolvePointer(this.contextOf(located.file).doc, located.segments);
    if (found.found) return found.value;
    const why = found.throughRef ? ' (the path goes through a $ref: point at its target instead)' : '';
    throw new SpecError(this.errorFile(ctx), `$ref at ${loc}: ${displayPath(located.file)} has nothing at #${located.pointer}${why}`);
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

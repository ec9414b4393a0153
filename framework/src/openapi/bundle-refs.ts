// Bundle a spec: hoist every external $ref into the document's components so all refs are internal.
import { appendPointer, escapePointerSegment } from './json-pointer';
import { type ChainEnd, type ExternalTarget, type FileContext, RefResolver, type SpecFileCache } from './ref-resolver';
import { displayPath, SpecError } from './spec-error';
import type { OpenApiDocument } from './types';
import {
  COMPONENT_SECTIONS,
  componentName,
  fieldsOf,
  isPlainObject,
  isPureRef,
  type RefKind,
  SECTION_BY_KIND,
  KIND_BY_SECTION,
  type WalkKind,
} from './bundle-kinds';

export type { SpecFileCache } from './ref-resolver';

/**
 * Return a copy of `document` in which every `$ref` is internal. Each external target (another
 * file, or a fragment of one) is copied into `components.<section>.<Name>` once and referenced
 * as `#/components/<section>/<Name>`; Name is the pointer's last segment, or for a whole-file
 * ref the schema's `title` or the file's base name in PascalCase. Refs inside a hoisted target
 * are resolved relative to ITS file. External path items are inlined. Recursive schemas, within
 * or across files, end as internal refs. The input is not modified; the result is plain JSON.
 *
 * @param rootFile - absolute path of the document's file (relative refs start from its folder),
 *   or a label such as `<builtin>` for an in-memory document that has no external refs.
 * @throws SpecError on unreadable files, missing targets, remote refs, and two different
 *   targets that would get the same component name.
 *
 * @example
 * const bundled = bundleRefs(yaml.load(text), '/srv/apis/books.yaml');
 */
export function bundleRefs(document: OpenApiDocument, rootFile: string, cache: SpecFileCache = new Map()): OpenApiDocument {
  return new Bundler(document, rootFile, cache).run();
}

class Bundler {
  private readonly refs: RefResolver;
  private readonly rootCtx: FileContext;
  /** Hoisted components by section, in discovery order. */
  private readonly hoisted: Record<string, Record<string, unknown>> = {};
  /** `section/name` → where its content comes from, to detect two different things with one name. */
  private readonly owners = new Map<string, string>();
  /** `file#pointer` → the internal ref it was bundled to. */
  private readonly memo = new Map<string, string>();
  /** Root component entries that are a pure external ref, inlined: `section/name` → target. */
  private readonly inlineEntries = new Map<string, Exclude<ChainEnd, { internal: string }>>();
  /** Input objects being walked, to stop on cyclic YAML aliases. */
  private readonly walking = new Set<object>();
  /** External path items being inlined, to stop on cycles. */
  private readonly inlining: string[] = [];

  constructor(
    private readonly root: OpenApiDocument,
    private readonly rootFile: string,
    cache: SpecFileCache,
  ) {
    this.refs = new RefResolver(root, rootFile, cache);
    this.rootCtx = this.refs.rootCtx;
  }

  run(): OpenApiDocument {
    this.claimRootComponents();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this.root)) {
      const value = this.root[key];
      if (key === 'paths' || key === 'webhooks') out[key] = this.walkMap(value, 'pathItem', this.rootCtx, `/${key}`);
      else if (key === 'components') out[key] = null; // filled last, after hoisting, keeping its place
      else out[key] = this.clone(value, this.rootCtx, `/${key}`);
    }
    const components = this.bundleRootComponents();
    for (const [section, entries] of Object.entries(this.hoisted)) {
      components[section] = { ...(components[section] as Record<string, unknown> | undefined), ...entries };
    }
    if (Object.keys(components).length > 0 || 'components' in this.root) out.components = components;
    return out;
  }

  /** Reserve the root's own component names; a pure external ref entry owns its target's name. */
  private claimRootComponents(): void {
    const components = this.root.components;
    if (!isPlainObject(components)) return;
    for (const section of COMPONENT_SECTIONS) {
      const entries = components[section];
      if (!isPlainObject(entries)) continue;
      for (const [name, entry] of Object.entries(entries)) {
        const loc = appendPointer(`/components/${section}`, name);
        const slot = `${section}/${name}`;
        this.owners.set(slot, `${displayPath(this.rootFile)}#${loc}`);
        if (!isPureRef(entry) || entry.$ref.startsWith('#')) continue;
        const located = this.refs.locate(entry.$ref, this.rootCtx, loc);
        if ('internal' in located) continue;
        const chain = this.refs.followChain(located, this.rootCtx, loc);
        const ownRef = `#${loc}`;
        if ('internal' in chain.end) {
          if (chain.end.internal === ownRef) throw new SpecError(this.rootFile, `$ref at ${loc} refers back to itself`);
          continue;
        }
        for (const key of chain.keys) this.memo.set(key, ownRef);
        this.owners.set(slot, `${displayPath(located.file)}#${located.pointer}`);
        this.inlineEntries.set(slot, chain.end);
      }
    }
  }

  private bundleRootComponents(): Record<string, unknown> {
    const components = this.root.components;
    if (!isPlainObject(components)) return {};
    const out: Record<string, unknown> = {};
    for (const [section, entries] of Object.entries(components)) {
      const kind = KIND_BY_SECTION[section];
      if (!kind || !isPlainObject(entries)) {
        out[section] = this.clone(entries, this.rootCtx, `/components/${section}`);
        continue;
      }
      const bundled: Record<string, unknown> = {};
      for (const [name, entry] of Object.entries(entries)) {
        const inline = this.inlineEntries.get(`${section}/${name}`);
        bundled[name] = inline
          ? this.node(inline.value, kind, this.refs.contextOf(inline.file), inline.pointer)
          : this.node(entry, kind, this.rootCtx, appendPointer(`/components/${section}`, name));
      }
      out[section] = bundled;
    }
    return out;
  }

  /** Bundle one value expected to be of `kind` (objects are copied, never shared with the input). */
  private node(value: unknown, kind: WalkKind, ctx: FileContext, loc: string): unknown {
    if (!isPlainObject(value)) return this.clone(value, ctx, loc);
    if ('$ref' in value) return this.refNode(value, kind, ctx, loc);
    return this.walk(value, kind, ctx, loc);
  }

  private refNode(value: Record<string, unknown>, kind: WalkKind, ctx: FileContext, loc: string): unknown {
    const { $ref, ...siblings } = value;
    if (typeof $ref !== 'string') throw new SpecError(this.refs.errorFile(ctx), `$ref at ${loc} must be a string`);
    const located = this.refs.locate($ref, ctx, loc);
    if (kind === 'pathItem' && !('internal' in located)) {
      return { ...(this.inlinePathItem(located, ctx, loc) as object), ...(this.clone(siblings, ctx, loc) as object) };
    }
    const section = SECTION_BY_KIND[kind as RefKind];
    if (!section) throw new SpecError(this.refs.errorFile(ctx), `$ref at ${loc} is not allowed in a ${kind} object`);
    const ref = 'internal' in located ? located.internal : this.hoist(located, kind as RefKind, ctx, loc);
    const rest = kind === 'schema' ? this.walk(siblings, 'schema', ctx, loc) : this.clone(siblings, ctx, loc);
    return { $ref: ref, ...(rest as object) };
  }

  /** Walk the fields of an object of `kind` that may hold refs; copy the others. */
  private walk(value: Record<string, unknown>, kind: WalkKind, ctx: FileContext, loc: string): Record<string, unknown> {
    this.enter(value, ctx, loc);
    const fields = fieldsOf(kind);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childLoc = appendPointer(loc, key);
      const field = kind === 'callback' ? (key.startsWith('x-') ? undefined : (['one', 'pathItem'] as const)) : fields[key];
      if (!field) out[key] = this.clone(child, ctx, childLoc);
      else if (field[0] === 'one') out[key] = this.node(child, field[1], ctx, childLoc);
      else if (field[0] === 'map') out[key] = this.walkMap(child, field[1], ctx, childLoc);
      else if (field[0] === 'list') out[key] = this.walkList(child, field[1], ctx, childLoc);
      else if (field[0] === 'oneOrList') out[key] = Array.isArray(child) ? this.walkList(child, field[1], ctx, childLoc) : this.node(child, field[1], ctx, childLoc);
      else out[key] = this.discriminator(child, ctx, childLoc);
    }
    this.walking.delete(value);
    return out;
  }

  private walkMap(value: unknown, kind: WalkKind, ctx: FileContext, loc: string): unknown {
    if (!isPlainObject(value)) return this.clone(value, ctx, loc);
    this.enter(value, ctx, loc);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childLoc = appendPointer(loc, key);
      // Extensions may sit among responses, paths, etc.; in a schema map (properties) `x-…` is a name.
      out[key] = kind !== 'schema' && key.startsWith('x-') ? this.clone(child, ctx, childLoc) : this.node(child, kind, ctx, childLoc);
    }
    this.walking.delete(value);
    return out;
  }

  private walkList(value: unknown, kind: WalkKind, ctx: FileContext, loc: string): unknown {
    if (!Array.isArray(value)) return this.clone(value, ctx, loc);
    this.enter(value, ctx, loc);
    const out = value.map((child, index) => this.node(child, kind, ctx, appendPointer(loc, index)));
    this.walking.delete(value);
    return out;
  }

  /** `discriminator.mapping` values may be refs to schemas in other files. */
  private discriminator(value: unknown, ctx: FileContext, loc: string): unknown {
    const out = this.clone(value, ctx, loc);
    if (!isPlainObject(out) || !isPlainObject(out.mapping)) return out;
    for (const [key, target] of Object.entries(out.mapping)) {
      if (typeof target !== 'string' || !/[#/]|\.(ya?ml|json)$/i.test(target)) continue; // a plain schema name
      const located = this.refs.locate(target, ctx, appendPointer(`${loc}/mapping`, key));
      out.mapping[key] = 'internal' in located ? located.internal : this.hoist(located, 'schema', ctx, loc);
    }
    return out;
  }

  /** Copy `target` into components (once per target) and return the internal ref to it. */
  private hoist(located: ExternalTarget, kind: RefKind, ctx: FileContext, loc: string): string {
    const chain = this.refs.followChain(located, ctx, loc, (key) => this.memo.get(key));
    if ('internal' in chain.end) {
      for (const key of chain.keys) this.memo.set(key, chain.end.internal);
      return chain.end.internal;
    }
    const section = SECTION_BY_KIND[kind];
    const name = componentName(located.segments, located.file, chain.end.value, kind);
    const slot = `${section}/${name}`;
    const source = `${displayPath(located.file)}#${located.pointer}`;
    const owner = this.owners.get(slot);
    if (owner !== undefined) {
      throw new SpecError(
        this.rootFile,
        `two different ${section} would both be named "${name}": ${owner} and ${source} (referenced at ${displayPath(this.refs.errorFile(ctx))}#${loc}); rename one of them, or reference the same definition from both places`,
      );
    }
    this.owners.set(slot, source);
    const ref = `#/components/${section}/${escapePointerSegment(name)}`;
    for (const key of chain.keys) this.memo.set(key, ref);
    const bucket = (this.hoisted[section] ??= {});
    bucket[name] = null; // reserve the slot first so the order is the order of discovery
    bucket[name] = this.node(chain.end.value, kind, this.refs.contextOf(chain.end.file), chain.end.pointer);
    return ref;
  }

  private inlinePathItem(located: ExternalTarget, ctx: FileContext, loc: string): unknown {
    const chain = this.refs.followChain(located, ctx, loc);
    if ('internal' in chain.end) return { $ref: chain.end.internal };
    const key = `${chain.end.file}#${chain.end.pointer}`;
    if (this.inlining.includes(key)) throw new SpecError(this.refs.errorFile(ctx), `path item $ref at ${loc} includes itself`);
    this.inlining.push(key);
    const out = this.node(chain.end.value, 'pathItem', this.refs.contextOf(chain.end.file), chain.end.pointer);
    this.inlining.pop();
    return out;
  }

  /** Deep copy of plain data; refs in it are left alone (examples, extensions, enums…). */
  private clone(value: unknown, ctx: FileContext, loc: string): unknown {
    if (value === null || typeof value !== 'object') return value;
    this.enter(value, ctx, loc);
    const out = Array.isArray(value)
      ? value.map((item, index) => this.clone(item, ctx, appendPointer(loc, index)))
      : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.clone(item, ctx, appendPointer(loc, key))]));
    this.walking.delete(value);
    return out;
  }

  private enter(value: object, ctx: FileContext, loc: string): void {
    if (this.walking.has(value)) {
      throw new SpecError(this.refs.errorFile(ctx), `${loc || '/'} contains itself (a YAML alias inside its own anchor?); use $ref for recursive structures`);
    }
    this.walking.add(value);
  }
}

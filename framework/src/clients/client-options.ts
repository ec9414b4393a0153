// The `clients` section of pym-config.yaml: the services this one calls, each with its spec, URL, timeouts and retries.
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** True for an absolute http:// or https:// URL. */
export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Retries of one client's calls (see the README's "Calling other services" for which failures are retried). */
export const clientRetrySchema = z.strictObject({
  /** Attempts in all, the first one included (1: never retry). @defaultValue 3 */
  attempts: positiveInt.max(10).default(3),
  /** Upper bound of the first backoff in ms; each retry doubles it, and the wait is drawn at random below it (full jitter). @defaultValue 100 */
  min_delay: z.number().int().min(0).default(100),
  /** Largest wait between two attempts in ms, a `Retry-After` included (a longer one is not waited for). @defaultValue 2000 */
  max_delay: z.number().int().min(0).default(2000),
});

/** One service this one calls. */
export const clientSchema = z
  .strictObject({
    /**
     * The callee's OpenAPI spec: a file relative to the config file, or the http(s) URL of a spec it serves
     * (`/openapi/<api>.json`), which `pym gen` downloads once into `clients_dir/<name>.openapi.json`.
     */
    spec: z.string().min(1),
    /** Where the callee is served: its origin, plus a path prefix when a gateway adds one. The spec's `servers[0]` path follows it. */
    base_url: z.string().min(1).refine(isHttpUrl, 'must be an http:// or https:// URL, e.g. http://audit:8080'),
    /**
     * Send the caller's token (`Authorization: Bearer …` of the current request or task). Turn it off for a
     * third-party API: a user's token then never leaves the service. @defaultValue true
     */
    forward_identity: z.boolean().default(true),
    /** Headers sent with every call, e.g. an API key taken from env_secrets. @defaultValue `{}` */
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'), z.string()).default({}),
    /** Milliseconds to open a connection (TCP, and TLS for https); undici checks it on a coarse timer, so it fires up to ~1 s late. @defaultValue 2000 */
    connect_timeout: positiveInt.default(2000),
    /** Milliseconds one attempt may take, from sending the request to the end of the reply. @defaultValue 10000 */
    timeout: positiveInt.default(10000),
    /** Milliseconds the whole call may take: every attempt and every wait between them. @defaultValue 30000 */
    deadline: positiveInt.default(30000),
    /** Retries of failed attempts. @defaultValue `{ attempts: 3, min_delay: 100, max_delay: 2000 }` */
    retry: clientRetrySchema.default(() => clientRetrySchema.parse({})),
  })
  .superRefine((client, context) => {
    const authorization = Object.keys(client.headers).find((name) => name.toLowerCase() === 'authorization');
    if (authorization && client.forward_identity) {
      context.addIssue({
        code: 'custom',
        path: ['headers', authorization],
        message: 'and forward_identity both set the Authorization header: set forward_identity: false to send this one',
      });
    }
  });

/** The `clients` section: clients by name (the name is the generated module's and its export's). */
export const clientsSectionSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter and hold letters, digits, "-" or "_"'), clientSchema)
  .default({});

/** One client's options, defaults applied. */
export type ClientOptions = z.infer<typeof clientSchema>;

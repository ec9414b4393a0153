// Option parsers shared by the commands: each rejects bad input with a one-line message.
import { InvalidArgumentError, Option } from 'commander';

/** Parse a TCP port (0–65535). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

/** Parse a positive whole number. */
export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1) throw new InvalidArgumentError('must be a positive whole number');
  return number;
}

/** Parse a JSON object. */
export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"role":"admin"}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"role":"admin"}\'');
  }
  return parsed as Record<string, unknown>;
}

/** The `--port` option of the commands that serve or reach the service: `$PYM_PORT` when not given. */
export function portOption(description: string): Option {
  return new Option('--port <number>', description).env('PYM_PORT').argParser(parsePort);
}

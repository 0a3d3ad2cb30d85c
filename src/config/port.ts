export const PORT_RULE = 'must be a port number (0-65535)';

/** A TCP port written in plain decimal digits; `undefined` otherwise (no `0x50`, `1e3`, `+80`). */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/**
 * The console's Content-Security-Policy: its own scripts and styles only (no inline code,
 * no eval, nothing from a CDN), and network access to itself and to the OpenID Providers
 * it signs in with (`issuerOrigins`: the discovery document and the token endpoint of the
 * PKCE flow are fetched by the browser). Nothing may frame it, and `<base>` is refused.
 */
export function consoleContentSecurityPolicy(issuerOrigins: readonly string[]): string {
  const withIssuers = ["'self'", ...issuerOrigins].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${withIssuers}`,
    "base-uri 'none'",
    `form-action ${withIssuers}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

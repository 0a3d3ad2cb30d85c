/**
 * The repository URL to store in a claim: any user name and password removed. GitLab CI's
 * `CI_REPOSITORY_URL` carries the job token (`https://gitlab-ci-token:…@host/group/repo.git`)
 * and a claim is readable by Flux and every API reader, so the secret must never reach it.
 * An scp-like address (`git@host:group/repo.git`) names a login, not a secret: kept as is.
 */
export function withoutCredentials(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

// The rendered bucket's key layout on S3, apart from the store so that the composition
// root can point Flux at it without loading the AWS SDK on the (default) directory store.

/** Key prefix of the rendered files in the bucket: `rendered/<env>/<path>`. */
export const RENDERED_KEY_PREFIX = 'rendered/';
/** Key prefix of the deployment records in the bucket: `deployments/<env>.json`. */
export const RECORDS_KEY_PREFIX = 'deployments/';

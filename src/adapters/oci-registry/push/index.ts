// The client side of `platform-deploy --local`: no pino, hono, cedar or kubernetes-models
// behind this entry, so the CLI starts fast (test/oci-registry/push-imports.test.ts).
export {
  pushLocalImage,
  type PushLocalImageOptions,
  type PushedImage,
} from './push-local-image.js';
export {
  pushDeploymentFiles,
  type PushDeploymentFilesOptions,
  type PushedDeploymentFiles,
} from './push-deployment-files.js';
export type { PushAuth } from './push-client.js';
export {
  CREATED_ANNOTATION,
  localRepositoryName,
} from '../../../domain/registry/user-repositories.js';

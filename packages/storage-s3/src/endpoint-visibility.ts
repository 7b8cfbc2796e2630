import { isPrivateUrl } from '@model-studio/core';

/**
 * True when `endpoint`'s host is loopback, link-local or a private-network address (or a `.local`/`localhost` name),
 * so its URLs are not public. Core's `isPrivateUrl`; false for an endpoint that is not a URL. @internal
 */
export function isPrivateEndpoint(endpoint: string): boolean {
  return isPrivateUrl(endpoint);
}

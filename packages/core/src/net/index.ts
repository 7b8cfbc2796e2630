export { isLoopbackHost, isLoopbackUrl, isPrivateHost, isPrivateUrl } from './address-visibility.js';

import type { components } from './generated/runpod-api.js';

/** A RunPod pod as `GET /v2/pods/{id}` returns it (generated from the REST v2 OpenAPI document). */
export type RunpodPod = components['schemas']['Pod'];
/** The body of `POST /v2/pods`. */
export type RunpodCreatePodRequest = components['schemas']['CreatePodRequest'];
/** A GPU type of the catalog (`GET /v2/catalog/gpus`). */
export type RunpodGpuType = components['schemas']['GpuType'];
/** A pod's lifecycle status. */
export type RunpodPodStatus = components['schemas']['PodStatus'];
/** Cloud tier: `SECURE` or `COMMUNITY`. */
export type RunpodCloud = components['schemas']['Cloud'];
/** One time-bucketed pod billing record (`GET /v2/billing/pods`). */
export type RunpodPodBillingRecord = components['schemas']['PodBillingRecord'];
/** An RFC 9457 problem document, as RunPod sends for every error. */
export type RunpodProblem = components['schemas']['ErrorResponse'];

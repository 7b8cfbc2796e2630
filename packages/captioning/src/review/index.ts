export { type CaptionFilter, matchesFilter, type ReviewedCaption } from './caption-filter.js';
export {
  type BulkOptions,
  type CaptionChange,
  type CaptionChangeResult,
  type CaptionReview,
  type CaptionReviewSettings,
  createCaptionReview,
} from './caption-review.js';

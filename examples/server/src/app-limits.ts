/** Upload limits: files per request. */
export const fileCountLimit = 50;

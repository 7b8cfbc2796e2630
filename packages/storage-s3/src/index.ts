/** S3 storage adapter for AI Model Studio (AWS, R2, MinIO, Swift). */
export const packageName = '@model-studio/storage-s3';

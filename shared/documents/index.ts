export { MAX_FILE_BYTES, MAX_POA_FILES, DOCUMENT_CONTENT_TYPES, sniffFormat, checkDocument, formatOfContentType } from './files.js';
export type { DocumentContentType, DocumentFormat, FileVerdict } from './files.js';
export { createUploadUrlImpl, addKycFileImpl, addPoaFileImpl, uploadKey, s3Client, setS3Client, UPLOAD_URL_TTL_SECONDS } from './uploads.js';
export type { UploadPurpose } from './uploads.js';

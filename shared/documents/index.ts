export { createUploadUrlImpl, addKycFileImpl, addPoaFileImpl, setS3Client } from './uploads.js';

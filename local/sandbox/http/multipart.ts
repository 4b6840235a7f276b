import type { Ctx } from './types.js';
import { Errors } from './errors.js';

export interface UploadedFile {
  field: string;
  filename: string;
  type: string;
  size: number;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: UploadedFile[];
}

/** POA/KYC limits (reference §3.3, reused for KYC files by ASSUMPTIONS C1). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const ALLOWED_FILE_TYPES = new Set(['image/jpeg', 'image/png', 'image/jpg', 'application/pdf']);

/**
 * Parses a multipart/form-data body with the platform's own parser (undici's `Request.formData`),
 * which Node 20 ships: no hand-rolled boundary scanning to get wrong. Not multipart → P403.
 */
export async function parseMultipart(ctx: Ctx): Promise<MultipartForm> {
  const ct = ctx.req.headers['content-type'];
  if (!ct?.toLowerCase().startsWith('multipart/form-data')) throw Errors.validation('body must be multipart/form-data');
  let form: FormData;
  try {
    form = await new Request('http://sandbox.local/', { method: 'POST', headers: { 'content-type': ct }, body: ctx.raw }).formData();
  } catch {
    throw Errors.validation('malformed multipart body');
  }
  const fields = new Map<string, string>();
  const files: UploadedFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.set(name, value);
    else files.push({ field: name, filename: value.name, type: value.type.toLowerCase(), size: value.size });
  }
  return { fields, files };
}

/** Type first (P426), then size (P440), for every file. */
export function checkFiles(files: readonly UploadedFile[]): void {
  for (const f of files) {
    if (!ALLOWED_FILE_TYPES.has(f.type)) throw Errors.invalidFileType();
    if (f.size > MAX_FILE_BYTES) throw Errors.fileTooLarge();
  }
}

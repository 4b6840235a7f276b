/**
 * Limits on identity and address documents before anything reaches P100 (reference §3.3 for POA;
 * ASSUMPTIONS C1 reuses them for KYC files): at most 3 files, 5 MB each, JPEG/PNG/PDF. The declared
 * content type must agree with the file's own first bytes, so a renamed executable is not forwarded.
 */

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_POA_FILES = 3;
export const DOCUMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/jpg', 'application/pdf'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

export type DocumentFormat = 'jpeg' | 'png' | 'pdf';

const FORMAT_OF_TYPE: Readonly<Record<DocumentContentType, DocumentFormat>> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/png': 'png',
  'application/pdf': 'pdf',
};

export const EXTENSION: Readonly<Record<DocumentFormat, string>> = { jpeg: 'jpg', png: 'png', pdf: 'pdf' };

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** The format a file's first bytes announce (magic numbers), or undefined for anything else. */
export function sniffFormat(bytes: Uint8Array): DocumentFormat | undefined {
  const starts = (sig: readonly number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(PNG)) return 'png';
  if (starts(PDF)) return 'pdf';
  return undefined;
}

export function formatOfContentType(contentType: string | undefined): DocumentFormat | undefined {
  const t = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (FORMAT_OF_TYPE as Record<string, DocumentFormat | undefined>)[t];
}

export type FileVerdict = { ok: true; format: DocumentFormat } | { ok: false; tooLarge: boolean; reason: string };

/** Checks one uploaded file: size first (cheap), then declared type, then the bytes themselves. */
export function checkDocument(contentType: string | undefined, size: number, head: Uint8Array): FileVerdict {
  if (size > MAX_FILE_BYTES) return { ok: false, tooLarge: true, reason: `larger than ${MAX_FILE_BYTES} bytes` };
  if (size === 0) return { ok: false, tooLarge: false, reason: 'the file is empty' };
  const declared = formatOfContentType(contentType);
  if (!declared) return { ok: false, tooLarge: false, reason: `content type must be one of ${DOCUMENT_CONTENT_TYPES.join(', ')}` };
  const actual = sniffFormat(head);
  if (actual !== declared) return { ok: false, tooLarge: false, reason: `the file content is not ${declared.toUpperCase()} as its content type says` };
  return { ok: true, format: declared };
}

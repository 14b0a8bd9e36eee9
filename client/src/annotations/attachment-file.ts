/**
 * A chosen file as the API's `attachment` (base64). The server judges the type by the bytes; the
 * declared type is the browser's, or the one its extension names when the browser gives none.
 */
import type { AnnotationWrite } from '@schemas/annotations';

/** 10 MiB, as the server: larger files are refused here before anything is sent. */
export const maxAttachmentBytes = 10 * 1024 * 1024;

const byExtension: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  odt: 'application/vnd.oasis.opendocument.text',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

/** What the file input offers. */
export const acceptedFiles = '.docx,.pdf,.odt,.png,.jpg,.jpeg';

export async function attachmentOf(file: File): Promise<NonNullable<AnnotationWrite['attachment']>> {
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return { filename: file.name, contentType: file.type || byExtension[extension] || 'application/octet-stream', dataBase64: dataUrl.slice(dataUrl.indexOf(',') + 1) };
}

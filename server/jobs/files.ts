import { getCloud } from '../db';

/** Reads a file from cloud storage (CloudBase, or the local storage the runtime routes to). */
export async function downloadFile(fileID: string): Promise<Buffer> {
  const res = (await getCloud().downloadFile({ fileID })) as { fileContent?: Buffer };
  if (!res?.fileContent) throw new Error('file not found');
  return res.fileContent;
}

/** Writes a file to cloud storage and returns its file ID. */
export async function uploadFile(cloudPath: string, content: Buffer): Promise<string> {
  const res = (await getCloud().uploadFile({ cloudPath, fileContent: content })) as { fileID: string };
  return res.fileID;
}

/** A temporary download link (CloudBase signs it; default 2 hours). */
export async function tempUrl(fileID: string, maxAge = 7200): Promise<string | null> {
  const res = (await getCloud().getTempFileURL({ fileList: [{ fileID, maxAge }] })) as { fileList: { tempFileURL?: string; status?: number }[] };
  return res.fileList?.[0]?.tempFileURL ?? null;
}

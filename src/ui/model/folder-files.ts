import type { FolderFile } from '../../engine/protocol';

/** Files from `<input webkitdirectory>`: each carries its path below the chosen folder. */
export function filesFromInput(list: FileList): FolderFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

function readEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries hands out a directory in batches (100 in Chromium) until it returns an empty one.
  return new Promise((resolve, reject) => {
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, into: FolderFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    into.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  for (const child of await readEntries(entry as FileSystemDirectoryEntry)) await walk(child, into);
}

/** Files from a dropped folder (or files), with their paths below what was dropped. */
export async function filesFromDrop(data: DataTransfer): Promise<FolderFile[]> {
  const entries = Array.from(data.items)
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  // Without entries (a drop built by a script, or a browser without the entry API) take the plain files.
  if (entries.length === 0) return Array.from(data.files, (file) => ({ path: file.name, file }));
  const files: FolderFile[] = [];
  for (const entry of entries) await walk(entry, files);
  return files;
}

import { statSync } from 'node:fs';

/** Whether `path` is a regular file (links followed); `false` for anything else or nothing. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether `path` is a folder (links followed); `false` for anything else or nothing. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Saves a Blob as a download with the given file name (an object URL released after the click). */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name part from a label: letters, digits, '.', '_' and '-' only. */
export function fileSlug(label: string): string {
  return label.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'export';
}

/** The page's localStorage, or null where storage is disabled (settings are then not remembered). */
export function pageStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

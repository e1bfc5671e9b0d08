import { unauthenticated, type Viewer } from '@chirp/platform';

/** The signed-in viewer, for what only a signed-in user may do; UNAUTHENTICATED when anonymous. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

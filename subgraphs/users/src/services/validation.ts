import { badUserInput, parseId } from '@chirp/platform';

/** The account a follow or an unfollow names: a well-formed id, and not the viewer's own. */
export function validateFollowTarget(viewerId: string, userId: string): string {
  const targetId = parseId(userId, 'userId');
  if (targetId === viewerId) throw badUserInput('You cannot follow yourself', 'userId');
  return targetId;
}

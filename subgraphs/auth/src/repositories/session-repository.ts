import { Types, type Connection } from 'mongoose';
import { operator } from '@chirp/subgraph-kit';
import { sessionModel } from '../models/session';

export type SessionRepository = Awaited<ReturnType<typeof createSessionRepository>>;

export async function createSessionRepository(connection: Connection) {
  const Session = await sessionModel(connection);

  return {
    /** A new session's id, to sign into its token before the session is stored. */
    newId: (): string => new Types.ObjectId().toHexString(),

    /** Opens a session; it lasts as long as its token. */
    async open(session: { id: string; userId: string; expiresAt: Date }): Promise<void> {
      await Session.create({ _id: session.id, userId: session.userId, expiresAt: session.expiresAt });
    },

    /** Whose the session is, while it is open; null once it has ended or expired. */
    async ownerOf(sessionId: string, now = new Date()): Promise<string | null> {
      const doc = await Session.findOne({ _id: sessionId, expiresAt: operator({ $gt: now }) }, { userId: 1 }).lean();
      return doc?.userId ?? null;
    },

    async end(sessionId: string): Promise<void> {
      await Session.deleteOne({ _id: sessionId });
    },

    /** Every session of the user but `keep`, if given. */
    async endAllOf(userId: string, keep?: string): Promise<void> {
      await Session.deleteMany(keep ? { userId, _id: operator({ $ne: keep }) } : { userId });
    },
  };
}

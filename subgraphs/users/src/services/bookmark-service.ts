import { forbidden, isObjectId, notFound, parseId, type PageRequest, type Viewer } from '@chirp/platform';
import { requireViewer } from '@chirp/subgraph-kit';
import type { Loaders } from '../context';
import type { BookmarkItem, BookmarkRepository } from '../repositories/bookmark-repository';
import type { PostRef } from '../types';
import type { AccountChecks } from './account-checks';
import type { PostDirectory } from './post-directory';

export type BookmarkService = ReturnType<typeof createBookmarkService>;

/**
 * Bookmarks of posts, which the posts subgraph owns: whether a post exists is its answer, asked over
 * `_entities`. A deleted post's bookmarks are removed by the deletions worker, a moment after.
 */
export function createBookmarkService(bookmarks: BookmarkRepository, posts: PostDirectory, accounts: AccountChecks) {
  async function existingPost(postId: string, requestId: string): Promise<string> {
    const id = parseId(postId, 'postId');
    if (!(await posts.exists(id, requestId))) throw notFound('Post not found');
    return id;
  }

  return {
    /** Bookmarking a post twice is one bookmark, even when both requests race. */
    async bookmark(viewer: Viewer | null, postId: string, requestId: string): Promise<PostRef> {
      const { id: userId } = requireViewer(viewer);
      await accounts.refuseDeleted(userId, null);
      const id = await existingPost(postId, requestId);
      if (await bookmarks.add(userId, id)) {
        // Checked again once written: the removal that follows a deletion of the post or of the account
        // may have run between the checks above and this write, and missed it. Then it is taken back.
        const takeBack = () => bookmarks.remove(userId, id);
        await accounts.refuseDeleted(userId, null, takeBack);
        if (!(await posts.exists(id, requestId))) {
          await takeBack();
          throw notFound('Post not found');
        }
      }
      return { id };
    },

    /** Removing a bookmark that is not there changes nothing. */
    async unbookmark(viewer: Viewer | null, postId: string, requestId: string): Promise<PostRef> {
      const { id: userId } = requireViewer(viewer);
      const id = await existingPost(postId, requestId);
      await bookmarks.remove(userId, id);
      return { id };
    },

    /**
     * The owner's bookmarks, newest first, `page.first + 1` of them at most (see toConnection). Bookmarks
     * of posts deleted a moment ago are still there until the worker removes them: the page reads past them,
     * so that no edge points at a post the posts subgraph cannot resolve.
     */
    async bookmarks(viewer: Viewer | null, userId: string, page: PageRequest, requestId: string): Promise<BookmarkItem[]> {
      const owner = requireViewer(viewer);
      if (owner.id !== userId) throw forbidden('Only their owner can read bookmarks');
      const wanted = page.first + 1;
      const found: BookmarkItem[] = [];
      let after = page.after;
      for (;;) {
        const limit = wanted - found.length;
        const items = await bookmarks.page(userId, after, limit);
        const existing = await posts.existing(items.map((item) => item.postId), requestId);
        found.push(...items.filter((item) => existing.has(item.postId)));
        if (items.length < limit || found.length === wanted) return found;
        after = items.at(-1)!;
      }
    },

    /** False when anonymous. */
    async bookmarkedByViewer(postId: string, loaders: Loaders): Promise<boolean> {
      return loaders.bookmarkedByViewer && isObjectId(postId) ? loaders.bookmarkedByViewer.load(postId) : false;
    },
  };
}

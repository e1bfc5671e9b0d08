/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type ChangePasswordInput = {
  currentPassword: string;
  /** 8-72 bytes in UTF-8. */
  newPassword: string;
};

export type LoginInput = {
  password: string;
  /** The username or the e-mail address. */
  username: string;
};

export type RegisterInput = {
  email: string;
  /** 1-50 characters. */
  name: string;
  /** 8-72 bytes in UTF-8. */
  password: string;
  /** 3-30 characters of [A-Za-z0-9_]. */
  username: string;
};

export type UpdateProfileInput = {
  /** Up to 160 characters; null or empty removes the bio; left out, it stays as it is. */
  bio?: string | null | undefined;
  /** 1-50 characters; left out, the name stays as it is. */
  name?: string | null | undefined;
};

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register: { token: string, expiresAt: string, user: { email: string | null, id: string, username: string, name: string, createdAt: string } } };

export type LoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LoginMutation = { login: { token: string, expiresAt: string, user: { email: string | null, id: string, username: string, name: string, createdAt: string } } };

export type ProfileQueryVariables = Exact<{ [key: string]: never; }>;


export type ProfileQuery = { me: { bio: string | null, email: string | null, id: string, username: string, name: string, createdAt: string } | null };

export type UpdateProfileMutationVariables = Exact<{
  input: UpdateProfileInput;
}>;


export type UpdateProfileMutation = { updateProfile: { bio: string | null, email: string | null, id: string, username: string, name: string, createdAt: string } };

export type ChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type ChangePasswordMutation = { changePassword: { token: string, expiresAt: string, user: { email: string | null, id: string, username: string, name: string, createdAt: string } } };

export type LogoutMutationVariables = Exact<{
  allSessions?: boolean | null | undefined;
}>;


export type LogoutMutation = { logout: boolean };

export type DeleteAccountMutationVariables = Exact<{
  password: string;
}>;


export type DeleteAccountMutation = { deleteAccount: boolean };

export type FeedQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type FeedQuery = { me: { feed: { edges: Array<{ node: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type CreatePostMutationVariables = Exact<{
  content: string;
}>;


export type CreatePostMutation = { createPost: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } } };

export type PostQueryVariables = Exact<{
  id: string;
}>;


export type PostQuery = { post: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, comments: { edges: Array<{ node: { id: string, content: string, createdAt: string, author: { id: string, username: string, name: string }, post: { id: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, author: { id: string, username: string, name: string } } | null };

export type UpdatePostMutationVariables = Exact<{
  id: string;
  content: string;
}>;


export type UpdatePostMutation = { updatePost: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } } };

export type DeletePostMutationVariables = Exact<{
  id: string;
}>;


export type DeletePostMutation = { deletePost: string };

export type AddCommentMutationVariables = Exact<{
  id: string;
  content: string;
}>;


export type AddCommentMutation = { addComment: { id: string, content: string, createdAt: string, author: { id: string, username: string, name: string }, post: { id: string } } };

export type CommentsQueryVariables = Exact<{
  id: string;
  first: number;
  after?: string | null | undefined;
}>;


export type CommentsQuery = { post: { comments: { edges: Array<{ node: { id: string, content: string, createdAt: string, author: { id: string, username: string, name: string }, post: { id: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type LikePostMutationVariables = Exact<{
  id: string;
}>;


export type LikePostMutation = { likePost: { likeCount: number } };

export type UnlikePostMutationVariables = Exact<{
  id: string;
}>;


export type UnlikePostMutation = { unlikePost: { likeCount: number } };

export type BookmarkPostMutationVariables = Exact<{
  id: string;
}>;


export type BookmarkPostMutation = { bookmarkPost: { id: string } };

export type UnbookmarkPostMutationVariables = Exact<{
  id: string;
}>;


export type UnbookmarkPostMutation = { unbookmarkPost: { id: string } };

export type BookmarksQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type BookmarksQuery = { me: { bookmarks: { edges: Array<{ node: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type RestPostFragment = { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } };

export type RestCommentFragment = { id: string, content: string, createdAt: string, author: { id: string, username: string, name: string }, post: { id: string } };

export type RestUserFragment = { id: string, username: string, name: string, createdAt: string };

export type RestProfileFragment = { bio: string | null, email: string | null, id: string, username: string, name: string, createdAt: string };

export type RestPostPageFragment = { edges: Array<{ node: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } };

export type RestCommentPageFragment = { edges: Array<{ node: { id: string, content: string, createdAt: string, author: { id: string, username: string, name: string }, post: { id: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } };

export type RestUserPageFragment = { edges: Array<{ node: { id: string, username: string, name: string, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } };

export type FollowMutationVariables = Exact<{
  id: string;
}>;


export type FollowMutation = { follow: { username: string } };

export type UnfollowMutationVariables = Exact<{
  id: string;
}>;


export type UnfollowMutation = { unfollow: { username: string } };

export type UserFollowersQueryVariables = Exact<{
  id: string;
  first: number;
  after?: string | null | undefined;
}>;


export type UserFollowersQuery = { user: { followers: { edges: Array<{ node: { id: string, username: string, name: string, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type UserFollowingQueryVariables = Exact<{
  id: string;
  first: number;
  after?: string | null | undefined;
}>;


export type UserFollowingQuery = { user: { following: { edges: Array<{ node: { id: string, username: string, name: string, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type UserPostsQueryVariables = Exact<{
  id: string;
  first: number;
  after?: string | null | undefined;
}>;


export type UserPostsQuery = { user: { posts: { edges: Array<{ node: { id: string, content: string, createdAt: string, updatedAt: string, editedAt: string | null, likeCount: number, commentCount: number, likedByViewer: boolean, author: { id: string, username: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

import { describe, expect, test } from '@jest/globals';
import { Supergraph } from '@apollo/federation-internals';
import { isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { composeSupergraph } from '../src/supergraph';

/** DESIGN "The public graph": every type and field name clients may rely on. */
const PUBLIC_GRAPH: Record<string, string[]> = {
  User: ['id', 'username', 'name', 'createdAt', 'email', 'followersCount', 'followingCount', 'followedByViewer', 'followers', 'following', 'posts', 'feed', 'bookmarks'],
  Post: ['id', 'content', 'author', 'createdAt', 'updatedAt', 'editedAt', 'likeCount', 'likedByViewer', 'commentCount', 'comments', 'bookmarkedByViewer'],
  Comment: ['id', 'content', 'author', 'post', 'createdAt'],
  PageInfo: ['hasNextPage', 'endCursor'],
  UserConnection: ['edges', 'pageInfo'],
  UserEdge: ['cursor', 'node'],
  PostConnection: ['edges', 'pageInfo'],
  PostEdge: ['cursor', 'node'],
  CommentConnection: ['edges', 'pageInfo'],
  CommentEdge: ['cursor', 'node'],
  AuthPayload: ['token', 'expiresAt', 'user'],
  Query: ['me', 'user', 'userByUsername', 'post'],
  Mutation: ['register', 'login', 'createPost', 'updatePost', 'deletePost', 'addComment', 'likePost', 'unlikePost', 'follow', 'unfollow', 'bookmarkPost', 'unbookmarkPost'],
  RegisterInput: ['username', 'password', 'name', 'email'],
  LoginInput: ['username', 'password'],
  CreatePostInput: ['content'],
  UpdatePostInput: ['content'],
  AddCommentInput: ['content'],
};
const PUBLIC_SCALARS = ['DateTime', 'EmailAddress'];

const URLS = { auth: 'http://auth.test/graphql', users: 'http://users.test/graphql', posts: 'http://posts.test/graphql' };

describe('composition of schema/*.graphql', () => {
  // composeSupergraph throws on any composition error.
  const composition = composeSupergraph(URLS);
  const api: GraphQLSchema = Supergraph.build(composition.supergraphSdl).apiSchema().toGraphQLJSSchema();

  test('when the subgraph SDL files are composed, then there are no errors and no hints', () => {
    expect(composition.supergraphSdl).toContain('join__Graph');
    expect(composition.hints).toEqual([]);
  });

  test('when the supergraph is built, then it routes to each subgraph URL', () => {
    for (const url of Object.values(URLS)) expect(composition.supergraphSdl).toContain(url);
  });

  /** The field names of an object or input type of the API schema; none when there is no such type. */
  const fieldsOf = (typeName: string): string[] => {
    const type = api.getType(typeName);
    return type && (isObjectType(type) || isInputObjectType(type)) ? Object.keys(type.getFields()) : [];
  };

  test.each(Object.entries(PUBLIC_GRAPH))('when the API schema is built, then %s has every contract field', (typeName, fields) => {
    expect(fieldsOf(typeName)).toEqual(expect.arrayContaining(fields));
  });

  test('when the API schema is built, then the contract scalars are in it', () => {
    for (const name of PUBLIC_SCALARS) expect(api.getType(name)).toBeDefined();
  });

  test('when the API schema is built, then followingIds is not exposed', () => {
    expect(fieldsOf('User')).toContain('followersCount');
    expect(fieldsOf('User')).not.toContain('followingIds');
  });
});

import { DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { Comment } from './comment';
import { Mutation } from './mutation';
import { Post } from './post';
import { Query } from './query';
import { User } from './user';

export const resolvers: Resolvers = { DateTime: DateTimeResolver, Query, Mutation, Post, Comment, User };

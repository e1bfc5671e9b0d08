import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Post } from './post';
import { User } from './user';

export const resolvers: Resolvers = { Mutation, Post, User };

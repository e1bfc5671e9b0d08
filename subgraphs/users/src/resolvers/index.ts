import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { User } from './user';

export const resolvers: Resolvers = { Mutation, User };

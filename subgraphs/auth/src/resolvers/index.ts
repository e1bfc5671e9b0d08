import { DateTimeResolver, EmailAddressResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './mutation';
import { Query } from './query';
import { Session } from './session';
import { User } from './user';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  EmailAddress: EmailAddressResolver,
  Query,
  Mutation,
  Session,
  User,
};

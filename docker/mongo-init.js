// Runs once, when the mongo container starts on an empty volume (docker-entrypoint-initdb.d):
// one user per service, each able to read and write its own database only, plus what each needs
// of the streams (docs/ARCHITECTURE.md, "Events"):
//   users may turn on pre-images for its `follows` collection (collMod), which its follow stream needs;
//   posts may read that one collection's change stream (find, changeStream), and nothing else of users';
//   posts may read likewise auth's `users` (account deletions);
//   users may read likewise auth's `users` (account deletions) and posts' `posts` (post deletions).
const admin = db.getSiblingDB('admin');
admin.createRole({
  role: 'chirp_posts_follow_stream',
  privileges: [{ resource: { db: 'chirp_users', collection: 'follows' }, actions: ['find', 'changeStream'] }],
  roles: [],
});
admin.createRole({
  role: 'chirp_posts_account_stream',
  privileges: [{ resource: { db: 'chirp_auth', collection: 'users' }, actions: ['find', 'changeStream'] }],
  roles: [],
});
admin.createRole({
  role: 'chirp_users_deletion_streams',
  privileges: [
    { resource: { db: 'chirp_auth', collection: 'users' }, actions: ['find', 'changeStream'] },
    { resource: { db: 'chirp_posts', collection: 'posts' }, actions: ['find', 'changeStream'] },
  ],
  roles: [],
});
db.getSiblingDB('chirp_users').createRole({
  role: 'chirp_users_pre_images',
  privileges: [{ resource: { db: 'chirp_users', collection: 'follows' }, actions: ['collMod'] }],
  roles: [],
});

const streamRoles = {
  auth: [],
  posts: [
    { role: 'chirp_posts_follow_stream', db: 'admin' },
    { role: 'chirp_posts_account_stream', db: 'admin' },
  ],
  users: [
    { role: 'chirp_users_pre_images', db: 'chirp_users' },
    { role: 'chirp_users_deletion_streams', db: 'admin' },
  ],
};
for (const [service, password] of [
  ['auth', process.env.AUTH_DB_PASSWORD],
  ['posts', process.env.POSTS_DB_PASSWORD],
  ['users', process.env.USERS_DB_PASSWORD],
]) {
  const database = db.getSiblingDB(`chirp_${service}`);
  database.createUser({ user: service, pwd: password, roles: [{ role: 'readWrite', db: `chirp_${service}` }, ...streamRoles[service]] });
}

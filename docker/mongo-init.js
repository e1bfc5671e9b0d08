// Runs once, when the mongo container starts on an empty volume (docker-entrypoint-initdb.d):
// one user per service, each able to read and write its own database only.
for (const [service, password] of [
  ['auth', process.env.AUTH_DB_PASSWORD],
  ['posts', process.env.POSTS_DB_PASSWORD],
  ['users', process.env.USERS_DB_PASSWORD],
]) {
  const database = db.getSiblingDB(`chirp_${service}`);
  database.createUser({ user: service, pwd: password, roles: [{ role: 'readWrite', db: `chirp_${service}` }] });
}

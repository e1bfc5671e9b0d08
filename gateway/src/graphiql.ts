import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { FastifyInstance } from 'fastify';
import { GRAPHIQL_ASSETS } from '@chirp/platform';

/**
 * GraphiQL at /graphiql, outside production: an explorer for the graph that,
 * unlike Apollo Sandbox, loads nothing from the internet. Its prebuilt browser
 * bundle and React's are served by the gateway from their npm packages (from
 * graphiql/ beside a build), and a page of ours starts it against /graphql.
 */

export interface GraphiqlFile {
  /** What the page asks for, under /graphiql/. */
  name: string;
  package: string;
  /** Where the package keeps it. */
  file: string;
}

export const GRAPHIQL_FILES: readonly GraphiqlFile[] = [
  { name: 'react.production.min.js', package: 'react', file: 'umd/react.production.min.js' },
  { name: 'react-dom.production.min.js', package: 'react-dom', file: 'umd/react-dom.production.min.js' },
  { name: 'graphiql.min.js', package: 'graphiql', file: 'graphiql.min.js' },
  { name: 'graphiql.min.css', package: 'graphiql', file: 'graphiql.min.css' },
];

/** A file in the installed package; through its package.json, since the packages' `exports` do not list their UMD files. */
export function graphiqlFileInPackage({ package: name, file }: GraphiqlFile): string {
  return path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
}

/** Shown in the headers editor to say where a token goes; sent, it would make every operation, login included, a bad-token error. */
const TOKEN_PLACEHOLDER = 'Bearer <token>';

const DEFAULT_QUERY = `# Chirp's graph, served by this gateway: no internet needed.
# Run an operation with ▶ (it asks which); the book icon, top
# left, lists every type and field.
#
# Fields about you need a token: run Login (ada exists after
# \`npm run seed\`; register makes an account), then paste the
# token into Headers, below, in place of <token>. Until you do,
# the placeholder is not sent and you ask anonymously.

query Me {
  me {
    id
    username
  }
}

mutation Login {
  login(input: { username: "ada", password: "chirp-demo-password" }) {
    token
  }
}
`;

// Paths are relative, so the page works under a path prefix too (an API Gateway stage).
const BOOT_SCRIPT = `
const placeholder = ${JSON.stringify(TOKEN_PLACEHOLDER)};
const send = GraphiQL.createFetcher({ url: new URL('graphql', location.href).href });
const withoutPlaceholder = (headers) =>
  headers && Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== placeholder));
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher: (params, options) => send(params, { ...options, headers: withoutPlaceholder(options && options.headers) }),
    defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
    defaultHeaders: ${JSON.stringify(JSON.stringify({ Authorization: TOKEN_PLACEHOLDER }, null, 2))},
    defaultEditorToolsVisibility: 'headers',
  }),
);
`;

// The empty icon keeps the browser from asking the gateway for a /favicon.ico it does not have.
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Chirp · GraphiQL</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="graphiql/graphiql.min.css">
</head>
<body style="margin: 0">
  <div id="graphiql" style="height: 100vh">Loading GraphiQL…</div>
  <script src="graphiql/react.production.min.js"></script>
  <script src="graphiql/react-dom.production.min.js"></script>
  <script src="graphiql/graphiql.min.js"></script>
  <script>${BOOT_SCRIPT}</script>
</body>
</html>
`;

/**
 * helmet's policy is off for the gateway as a whole (Sandbox needs Apollo's
 * CDN); this page gets one of its own that lets it reach only the gateway, so
 * it cannot load or send anything elsewhere even if a bundled file tried.
 * GraphiQL sets inline styles and inlines its fonts as data: URLs.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash('sha256').update(BOOT_SCRIPT).digest('base64')}'`,
  "style-src 'self' 'unsafe-inline'",
  'font-src data:',
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const contentTypeOf = (name: string) => (name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');

/**
 * The page and its files. The files are read once here, so a missing one
 * stops the gateway at start rather than breaking the page later; they are
 * about 1.5 MB, held only outside production.
 */
export async function registerGraphiql(app: FastifyInstance): Promise<void> {
  const files = await Promise.all(
    GRAPHIQL_FILES.map(async (entry) => ({
      name: entry.name,
      body: await readFile(GRAPHIQL_ASSETS ? path.join(GRAPHIQL_ASSETS, entry.name) : graphiqlFileInPackage(entry)),
    })),
  );
  app.get('/graphiql', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_POLICY).send(PAGE),
  );
  for (const { name, body } of files) {
    app.get(`/graphiql/${name}`, async (_request, reply) => reply.type(contentTypeOf(name)).send(body));
  }
}

/** A way out of the Sandbox page's offline notice, in that notice's own style (its `fallback` class). */
const GRAPHIQL_LINK = `<div class="fallback">
  <p>GraphiQL needs no internet: this gateway serves it at <a href="graphiql">/graphiql</a>.</p>
</div>
`;

/**
 * Apollo Sandbox, as GET /graphql shows it in a browser, with a link to
 * /graphiql. Sandbox's script comes from Apollo's CDN, so offline the page
 * shows only that it cannot load, and the landing page plugin has no option
 * for a link of ours; the link is added at the end of its HTML, where it shows
 * with that notice (and lies under Sandbox when Sandbox loads).
 */
export function sandboxLinkingGraphiql<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart!(service);
      return {
        async renderLandingPage() {
          const page = await listener!.renderLandingPage!();
          return {
            html: async () => (typeof page.html === 'string' ? page.html : await page.html()).replace('</body>', `${GRAPHIQL_LINK}</body>`),
          };
        },
      };
    },
  };
}

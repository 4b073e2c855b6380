import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router, type Response } from 'express';
import helmet from 'helmet';

export const DOCS_PATH = '/docs';

/** The files of swagger-ui-dist the page needs; nothing else in the package is served. */
const ASSETS: ReadonlySet<string> = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);

// Resolved, not imported: the package's index would load the whole browser bundle into the server.
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>ordersvc API reference</title>
  <link rel="stylesheet" href="${DOCS_PATH}/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="${DOCS_PATH}/assets/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="${DOCS_PATH}/assets/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/assets/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// A file of its own rather than an inline script, so the CSP needs no 'unsafe-inline' for scripts.
// validatorUrl null: no call to validator.swagger.io from the reader's browser.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
  showExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/**
 * `GET /docs`: the interactive reference of `api/openapi.yaml` (Swagger UI, served from
 * node_modules). Its CSP replaces the API's `default-src 'none'` on these paths only: scripts,
 * styles, images and the spec from this origin; Swagger UI sets inline styles and data: images.
 */
export function docsRouter(): Router {
  const router = Router();
  router.use(
    DOCS_PATH,
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        // The spec, and "Try it out" against this origin.
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    }),
  );
  router.get(DOCS_PATH, (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
  });
  router.get(`${DOCS_PATH}/init.js`, (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(INIT);
  });
  router.get(`${DOCS_PATH}/assets/:file`, (req, res, next) => {
    const file = req.params.file;
    if (!ASSETS.has(file)) {
      next();
      return;
    }
    sendAsset(res, join(SWAGGER_UI_DIR, file));
  });
  return router;
}

function sendAsset(res: Response, path: string): void {
  // The asset names carry no version: a day of caching, revalidated after.
  res.sendFile(path, { maxAge: 86_400_000, dotfiles: 'deny' });
}

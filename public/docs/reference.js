// Starts Swagger UI (public/docs/swagger-ui/, copied from swagger-ui-dist by scripts/build.mjs)
// on the Worker's OpenAPI document. A file rather than an inline script, so that the page's
// Content-Security-Policy can allow scripts from this origin only.
const root = document.getElementById('reference');
window.ui = SwaggerUIBundle({
  url: root.dataset.document,
  domNode: root,
  deepLinking: true,
  // The public validator badge would call a third-party service.
  validatorUrl: null,
});

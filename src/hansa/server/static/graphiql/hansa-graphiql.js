// Hansa's GraphiQL page: starts GraphiQL (graphiql.min.js, on the globals React and ReactDOM)
// against the URL the page was served from. A file, not an inline script, so the page runs
// under the Content-Security-Policy the gateway sends with it (script-src 'self').
(function () {
  "use strict";
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
  );
})();

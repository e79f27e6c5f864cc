// Our GraphiQL page (templates/graphiql.html): GraphiQL with the explorer plugin, sending
// queries to this page's own URL with the API key of this tab. The key lives in
// sessionStorage only: GraphiQL's own storage (localStorage) never sees it, because it is
// added by the fetcher, not typed into GraphiQL's headers editor.
(function () {
  "use strict";

  var STORAGE_KEY = "customer-profiling.api-key";
  var endpoint = window.location.pathname;
  var container = document.getElementById("graphiql");
  var exampleQuery = container.getAttribute("data-example-query") || "";
  // Unless the server runs with --no-auth, a query without a key only earns a 401: none is sent.
  var keysRequired = container.getAttribute("data-keys-required") !== "false";
  var NO_KEY_MESSAGE =
    "Set an API key first: paste it in the API key field above and press Use key " +
    "(or send an Authorization header from the Headers tab). This server answers only " +
    "requests that carry a key.";
  var form = document.getElementById("api-key-form");
  var input = document.getElementById("api-key");
  var forget = document.getElementById("api-key-forget");
  var status = document.getElementById("api-key-status");

  function storedKey() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) || "";
    } catch (error) {
      return "";
    }
  }

  function storeKey(key) {
    try {
      if (key) {
        window.sessionStorage.setItem(STORAGE_KEY, key);
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      // Storage refused (a private window's policy): the key lasts as long as the page.
    }
  }

  function makeFetcher(key) {
    return function fetcher(params, options) {
      var headers = new Headers({
        "Content-Type": "application/json",
        Accept: "application/json",
      });
      if (key) {
        headers.set("Authorization", "Bearer " + key);
      }
      // What the headers editor says wins over the key field.
      var extra = (options && options.headers) || {};
      Object.keys(extra).forEach(function (name) {
        headers.set(name, extra[name]);
      });
      if (keysRequired && !headers.has("Authorization")) {
        // Said in the result pane, as an answer would be, without asking the server.
        return Promise.resolve({ errors: [{ message: NO_KEY_MESSAGE }] });
      }
      return fetch(endpoint, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(params),
        credentials: "same-origin",
      }).then(function (response) {
        return response.text().then(function (text) {
          try {
            return JSON.parse(text);
          } catch (error) {
            return { errors: [{ message: "HTTP " + response.status + ": " + text }] };
          }
        });
      });
    };
  }

  var root = ReactDOM.createRoot(container);
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var currentKey = null;

  function render(key) {
    currentKey = key;
    status.textContent = key
      ? "A key is set for this tab."
      : keysRequired
        ? "No key set: set one to send queries."
        : "No key set: this server needs none.";
    forget.disabled = !key;
    // A new fetcher makes GraphiQL load the schema again, now with this key.
    root.render(
      React.createElement(GraphiQL, {
        fetcher: makeFetcher(key),
        defaultQuery: exampleQuery,
        plugins: [explorer],
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
        inputValueDeprecation: true,
      })
    );
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var key = input.value.trim();
    input.value = "";
    if (key && key !== currentKey) {
      storeKey(key);
      render(key);
    }
  });

  forget.addEventListener("click", function () {
    storeKey("");
    render("");
  });

  render(storedKey());
})();

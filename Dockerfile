# syntax=docker/dockerfile:1
# Build stage: install the project and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
# Every package of pyproject's [tool.setuptools.packages.find] (tests/cli/test_dockerfile.py
# keeps the two lists the same), with their data: schema/schema.graphql, the migrations'
# template, server/pages/templates and static (the vendored GraphiQL).
COPY analytics analytics
COPY settings settings
COPY store store
COPY demo demo
COPY resolvers resolvers
COPY schema schema
COPY server server
COPY cli cli
RUN pip install . \
 && python -c "import cli.main, server.served_app, store.migrate" \
 && test -f "$(python -c 'import schema, os; print(os.path.dirname(schema.__file__))')/schema.graphql"

# Runtime stage: the virtual environment only, run by an unprivileged user.
FROM python:3.11-slim AS runtime
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/profiling profiling
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/profiling/profiling.db
USER profiling
WORKDIR /var/lib/profiling
VOLUME ["/var/lib/profiling"]
EXPOSE 8000
# The first start loads the demo and publishes its months before it serves: about 25 s of CPU
# (bench/first_start.py), half a minute on an idle machine, 5 minutes seen on a busy 2-core one.
# The start period is twice that: probes that fail in it are not counted, and the first that
# answers ends it, so a long one delays no start.
HEALTHCHECK --interval=30s --timeout=5s --start-period=600s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Every request needs an API key: create one with `docker exec ... profiling keys create`.
CMD ["profiling", "serve", "--host", "0.0.0.0", "--port", "8000", "--demo"]

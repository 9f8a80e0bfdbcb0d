# syntax=docker/dockerfile:1
#
# LLM Gateway image. Build: docker build -t llm-gateway .   (or: docker compose up -d --build)
#
# Run:
#   docker run -d -p 8100:8100 \
#     -v "$PWD/config.yaml:/app/config.yaml" -v "$PWD/log:/app/log" \
#     -e OPENAI_API_KEY=... llm-gateway
# With TLS (server.tls in config.yaml, docs/tls.md): also -p 8443:8443 -v "$PWD/tls:/etc/llm-gateway:ro"
# Extra arguments are passed to the gateway after "--config /app/config.yaml" (e.g. --port 9000).

# ---- build stage ---------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# Poms first: the dependency layer below is rebuilt only when a pom changes, not on every source edit.
# Every module listed in pom.xml <modules> needs its pom here, or Maven refuses to read the reactor.
COPY pom.xml ./
# The compiler's JVM options (Error Prone needs jdk.compiler's internals exported).
COPY .mvn .mvn
COPY admin-static/pom.xml admin-static/
COPY testkit/pom.xml testkit/
COPY proxy/pom.xml proxy/
COPY bench/pom.xml bench/
# Later modules go here, both lines each (pom now, sources below):
# excludeGroupIds: our own modules are built in this reactor, not downloaded.
RUN mvn -q -B dependency:go-offline -DexcludeGroupIds=io.llmgateway

COPY admin-static/src admin-static/src
COPY testkit/src testkit/src
COPY proxy/src proxy/src
COPY bench/src bench/src
RUN mvn -q -B -DskipTests package

# ---- runtime stage -------------------------------------------------------------------------------
# The Ubuntu-based (glibc) JRE, not Alpine: Netty's native io_uring and epoll transports need glibc. (Docker's
# default seccomp profile blocks io_uring, so server.transport: auto runs on epoll in a container unless its
# profile allows io_uring.)
FROM eclipse-temurin:17-jre

# A fixed uid/gid so the host can grant it access to the mounted files:
#   mkdir -p log && sudo chown 10001:10001 config.yaml log
RUN groupadd --gid 10001 gateway \
 && useradd --uid 10001 --gid gateway --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway \
 && mkdir -p /app/log \
 && chown -R gateway:gateway /app

WORKDIR /app
COPY --from=build --chown=gateway:gateway /build/proxy/target/llm-gateway.jar /app/llm-gateway.jar

# The configuration is expected at /app/config.yaml, bind-mounted READ-WRITE: the admin page writes
# model changes back to it. A single-file bind mount cannot be replaced by a rename, so the writer then
# rewrites the file in place (after copying the old content to /app/config.yaml.bak, inside the
# container). Provider keys should stay out of it as ${VAR} references, set via -e or env_file.
# The admin page answers only on loopback without a token, and a published port is not loopback inside
# the container: set ADMIN_TOKEN (and admin.token: ${ADMIN_TOKEN}) to use it.
# Logs (app.log, agent_interactions.log) go to /app/log.
# TLS certificates: mount a directory (not single files) read-only at /etc/llm-gateway, holding tls.crt and
# tls.key readable by uid 10001; a renewal that replaces them there is picked up without a restart.
VOLUME ["/app/log"]

USER gateway
# 8100: plain HTTP (server.port); 8443: TLS (server.tls.port), when server.tls is configured.
EXPOSE 8100 8443

ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

# No curl or wget in this image, and it is not worth installing them: bash's /dev/tcp speaks enough
# HTTP/1.0 for a health probe. It assumes the default port 8100; change it if server.port differs (with
# server.port: 0, TLS only, bash cannot probe: drop this check and let the orchestrator probe 8443).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8100 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# exec: java replaces the shell and becomes PID 1, so docker stop's SIGTERM reaches it and the gateway
# shuts down gracefully. "$@" forwards docker run arguments; "llm-gateway" fills $0.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/llm-gateway.jar --config /app/config.yaml \"$@\"", "llm-gateway"]

# syntax=docker/dockerfile:1
#
# scorecard: stateless gRPC service for scoring performance reviews.
#
#   docker build -t scorecard .
#   docker run --rm -p 50051:50051 -p 9090:9090 scorecard
#
# Two stages:
#   builder  compiles `scorecard` and leaves exactly two things behind:
#            /out/scorecard (the release binary) and /out/rubrics (an empty
#            directory that becomes the rubric mount point).
#   runtime  distroless cc image (glibc + libgcc, no shell), user 65532.
#
# The runtime stage copies only from /out of the builder, so a binary built
# elsewhere can be packaged without compiling in the image (this is what
# .ci/docker-check does):
#   mkdir -p ctx/out/rubrics && cp target/release/scorecard ctx/out/
#   docker buildx build --build-context builder=ctx --target runtime -t scorecard .
#   buildah bud --build-context builder=ctx --target runtime -t scorecard .
# Such a binary must be linked against glibc <= 2.36 (Debian 12).
#
# For production pin both base images by digest (image@sha256:...).

########################################################################
FROM docker.io/library/rust:1.95-slim-bookworm AS builder

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

ENV CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0 \
    CARGO_NET_RETRY=5

WORKDIR /src

# 1. Dependency layer: rebuilt only when the manifests, the build script or
#    the .proto files change. The build script (tonic/prost codegen through
#    protox, no protoc needed) runs here too.
COPY Cargo.toml Cargo.lock build.rs ./
COPY proto ./proto
# Placeholder sources: src/main.rs, plus a stub for every [lib], [[bin]],
# [[bench]], [[test]] and [[example]] file that Cargo.toml names explicitly
# (cargo rejects a manifest whose declared targets are missing, even those it
# does not build).
RUN mkdir -p src \
 && echo 'fn main() {}' > src/main.rs \
 && awk -F'"' ' \
      function out() { if (k == "lib") print k, (p != "" ? p : "src/lib.rs"); \
                       else if (k != "" && n != "") print k, (p != "" ? p : d "/" n ".rs") } \
      /^\[\[?(lib|bin|bench|test|example)\]/ { out(); k = $0; sub(/^\[+/, "", k); sub(/\].*/, "", k); \
          d = (k == "bench") ? "benches" : (k == "test") ? "tests" : (k == "example") ? "examples" : "src/bin"; \
          n = ""; p = ""; next } \
      /^\[/ { out(); k = ""; next } \
      k != "" && /^[ \t]*name[ \t]*=/ { n = $2 } \
      k != "" && /^[ \t]*path[ \t]*=/ { p = $2 } \
      END { out() }' Cargo.toml \
    | while read -r kind file; do \
        [ -e "$file" ] && continue; \
        mkdir -p "$(dirname "$file")"; \
        if [ "$kind" = lib ]; then : > "$file"; else echo 'fn main() {}' > "$file"; fi; \
      done \
 && cargo build --release --locked \
 && rm -rf src

# 2. The service itself. `touch` makes the real sources newer than the
#    placeholder's build, so cargo cannot mistake them for up to date.
COPY src ./src
# The load generator (`scorecard bench`) embeds the worked example.
COPY examples/worked-example.json ./examples/
RUN find src -type f -exec touch {} + \
 && cargo build --release --locked \
 && install -D -m 0755 target/release/scorecard /out/scorecard \
 && install -d -m 0755 /out/rubrics \
 && /out/scorecard --version

########################################################################
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime

LABEL org.opencontainers.image.title="scorecard" \
      org.opencontainers.image.description="Stateless gRPC service that scores performance reviews"

COPY --from=builder /out/scorecard /usr/local/bin/scorecard
# Extra rubric files (the built-in rubrics need none); mount a ConfigMap here.
COPY --from=builder /out/rubrics /etc/scorecard/rubrics

ENV SCORECARD_LISTEN=0.0.0.0:50051 \
    SCORECARD_METRICS_LISTEN=0.0.0.0:9090 \
    SCORECARD_RUBRICS=/etc/scorecard/rubrics \
    SCORECARD_LOG_FORMAT=json

# nonroot of the distroless image, numeric so that Kubernetes can verify
# runAsNonRoot.
USER 65532:65532
WORKDIR /home/nonroot

# 50051: gRPC (incl. grpc.health.v1 and reflection); 9090: HTTP /metrics.
EXPOSE 50051 9090
VOLUME ["/etc/scorecard/rubrics"]

# For `docker run` only: Kubernetes ignores HEALTHCHECK and uses the probes in
# deploy/kubernetes/deployment.yaml.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/scorecard", "health", "--server", "http://127.0.0.1:50051"]

# SIGTERM starts the graceful shutdown (health NOT_SERVING, then
# SCORECARD_SHUTDOWN_GRACE, then drain): give `docker stop -t` more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/scorecard"]
CMD ["serve"]
